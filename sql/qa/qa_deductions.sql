-- qa_deductions: one row per (session, rule broken) of day $dt, with the
-- evidence a manager reads. Each CTE below evaluates one rule kind of
-- config/qa_rules.toml against every rule of that kind (a join with the
-- qa_rules lookup), so thresholds and word lists live in the rule file.
-- Evidence quotes content_masked: never raw personal data.
WITH rules AS (
    SELECT
        id AS rule_id,
        name AS rule_name,
        kind,
        points,
        COALESCE(critical, FALSE) AS critical,
        COALESCE(channels, make_array('chat', 'call')) AS channels,
        threshold_s,
        threshold,
        words,
        min_question_chars,
        max_reply_chars
    FROM qa_rules
),
sessions AS (
    SELECT * FROM session_facts WHERE dt = $dt
),
msgs AS (
    SELECT
        session_id,
        channel,
        message_id,
        sender,
        sent_at,
        content_masked,
        content_chars,
        sentiment,
        LEAD(sender) OVER (PARTITION BY session_id ORDER BY sent_at, message_id) AS next_sender,
        LEAD(content_chars) OVER (PARTITION BY session_id ORDER BY sent_at, message_id) AS next_chars,
        LEAD(content_masked) OVER (PARTITION BY session_id ORDER BY sent_at, message_id) AS next_content
    FROM message_insights
    WHERE dt = $dt AND sender <> 'system'
),
first_reply_slow AS (
    SELECT s.session_id, r.rule_id,
        concat('首次响应 ', CAST(round(s.first_response_s) AS BIGINT), ' 秒，超过 ', CAST(r.threshold_s AS BIGINT), ' 秒') AS evidence
    FROM sessions s
    JOIN rules r ON r.kind = 'first_reply_slow' AND array_has(r.channels, s.channel)
    WHERE s.first_response_s > r.threshold_s
),
reply_gap AS (
    SELECT s.session_id, r.rule_id,
        concat('客户等待回复最长 ', CAST(round(s.max_later_reply_s) AS BIGINT), ' 秒，超过 ', CAST(r.threshold_s AS BIGINT), ' 秒') AS evidence
    FROM sessions s
    JOIN rules r ON r.kind = 'reply_gap' AND array_has(r.channels, s.channel)
    WHERE s.max_later_reply_s > r.threshold_s
),
agent_word_hits AS (
    SELECT m.session_id, r.rule_id, m.sent_at, m.message_id, m.content_masked,
        match_words(m.content_masked, r.words) AS found
    FROM msgs m
    JOIN rules r ON r.kind = 'agent_words' AND array_has(r.channels, m.channel)
    WHERE m.sender = 'agent'
),
agent_words AS (
    -- the first offending message of the session is the evidence
    SELECT session_id, rule_id, evidence
    FROM (
        SELECT session_id, rule_id,
            concat('「', array_to_string(found, '、'), '」 ', m_id, '：', substr(content_masked, 1, 80)) AS evidence,
            ROW_NUMBER() OVER (PARTITION BY session_id, rule_id ORDER BY sent_at, message_id) AS k
        FROM (SELECT *, message_id AS m_id FROM agent_word_hits WHERE cardinality(found) > 0) h
    ) x
    WHERE k = 1
),
phrase_presence AS (
    SELECT m.session_id, r.rule_id, BOOL_OR(cardinality(match_words(m.content_masked, r.words)) > 0) AS found,
        COUNT(*) AS agent_msgs
    FROM msgs m
    JOIN rules r ON r.kind IN ('no_greeting', 'no_closing') AND array_has(r.channels, m.channel)
    WHERE m.sender = 'agent'
    GROUP BY m.session_id, r.rule_id
),
missing_phrase AS (
    SELECT s.session_id, r.rule_id,
        concat('坐席 ', CAST(COALESCE(p.agent_msgs, 0) AS BIGINT), ' 条消息均未包含「', array_to_string(r.words, '/'), '」') AS evidence
    FROM sessions s
    JOIN rules r ON r.kind IN ('no_greeting', 'no_closing') AND array_has(r.channels, s.channel)
    LEFT JOIN phrase_presence p ON p.session_id = s.session_id AND p.rule_id = r.rule_id
    WHERE s.human_served AND NOT COALESCE(p.found, FALSE)
),
last_messages AS (
    SELECT session_id, content_masked, sentiment
    FROM (
        SELECT session_id, content_masked, sentiment,
            ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY sent_at DESC, message_id DESC) AS k
        FROM msgs
        WHERE sender = 'customer'
    ) x
    WHERE k = 1
),
last_unanswered AS (
    SELECT s.session_id, r.rule_id, concat('客户最后一条消息无人回复：', substr(l.content_masked, 1, 80)) AS evidence
    FROM sessions s
    JOIN rules r ON r.kind = 'last_unanswered' AND array_has(r.channels, s.channel)
    LEFT JOIN last_messages l ON l.session_id = s.session_id
    WHERE s.ended_unanswered
),
negative_end AS (
    SELECT s.session_id, r.rule_id,
        concat('客户结束时情绪 ', CAST(round(s.sentiment_end, 2) AS VARCHAR), '：', substr(l.content_masked, 1, 80)) AS evidence
    FROM sessions s
    JOIN rules r ON r.kind = 'negative_end' AND array_has(r.channels, s.channel)
    LEFT JOIN last_messages l ON l.session_id = s.session_id
    WHERE s.sentiment_end <= r.threshold
),
short_reply AS (
    SELECT session_id, rule_id, evidence
    FROM (
        SELECT m.session_id, r.rule_id,
            concat('问（', CAST(m.content_chars AS BIGINT), ' 字）：', substr(m.content_masked, 1, 40), ' → 答（',
                   CAST(m.next_chars AS BIGINT), ' 字）：', m.next_content) AS evidence,
            ROW_NUMBER() OVER (PARTITION BY m.session_id, r.rule_id ORDER BY m.sent_at, m.message_id) AS k
        FROM msgs m
        JOIN rules r ON r.kind = 'short_reply' AND array_has(r.channels, m.channel)
        WHERE m.sender = 'customer' AND m.next_sender = 'agent'
          AND m.content_chars >= r.min_question_chars AND m.next_chars < r.max_reply_chars
    ) x
    WHERE k = 1
),
hits AS (
    SELECT * FROM first_reply_slow
    UNION ALL SELECT * FROM reply_gap
    UNION ALL SELECT * FROM agent_words
    UNION ALL SELECT * FROM missing_phrase
    UNION ALL SELECT * FROM last_unanswered
    UNION ALL SELECT * FROM negative_end
    UNION ALL SELECT * FROM short_reply
)
SELECT
    h.session_id,
    s.channel,
    s.agent_id,
    s.team_id,
    s.shop_id,
    h.rule_id,
    r.rule_name,
    r.kind,
    r.points,
    r.critical,
    h.evidence
FROM hits h
JOIN rules r ON r.rule_id = h.rule_id
JOIN sessions s ON s.session_id = h.session_id
ORDER BY h.session_id, h.rule_id
