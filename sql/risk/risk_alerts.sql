-- risk_alerts: alerts raised on the run date. alert_id is a stable hash of
-- (alert type, rule, subject), so a re-run yields the same ids. Evidence
-- quotes content_masked only. Kinds and parameters: config/risk.toml.
--
-- "The first message of a group" is picked with ROW_NUMBER and lists are
-- built with string_agg, not with ordered first_value / array_agg: those keep
-- a slice of every input batch per group and DataFusion 55 charges each group
-- the whole batch, which exhausts the memory pool on a 1M-message day.
WITH severity_rank AS (
    SELECT * FROM (VALUES ('critical', 4), ('high', 3), ('medium', 2), ('low', 1)) AS t(severity, rank)
),
customer_msgs AS (
    SELECT session_id, channel, shop_id, customer_id, message_id, sent_at, content_masked, sentiment, intent
    FROM message_insights
    WHERE dt = $run_date AND sender = 'customer'
),
word_hits AS (
    SELECT m.*, w.severity, w.alert_type, match_words(m.content_masked, w.words) AS found
    FROM customer_msgs m
    CROSS JOIN risk_words w
),
word_found AS (
    SELECT
        h.*,
        r.rank,
        ROW_NUMBER() OVER (PARTITION BY h.session_id, h.alert_type ORDER BY h.sent_at, h.message_id) AS k
    FROM word_hits h
    JOIN severity_rank r ON r.severity = h.severity
    WHERE cardinality(h.found) > 0
),
word_alerts AS (
    -- per session and alert type: every word found (sorted), the highest severity, the first message
    SELECT
        g.session_id,
        g.alert_type,
        f.channel,
        f.shop_id,
        f.customer_id,
        g.rank,
        g.words,
        f.sent_at AS first_seen_at,
        concat(f.message_id, '：', substr(f.content_masked, 1, 80)) AS snippet
    FROM (
        SELECT session_id, alert_type, MAX(rank) AS rank,
            array_sort(array_distinct(string_to_array(string_agg(array_to_string(found, '	'), '	'), '	'))) AS words
        FROM word_found
        GROUP BY session_id, alert_type
    ) g
    JOIN word_found f ON f.session_id = g.session_id AND f.alert_type = g.alert_type AND f.k = 1
),
word_alert_rows AS (
    SELECT
        a.alert_type,
        CAST(NULL AS VARCHAR) AS rule_id,
        s.severity,
        a.customer_id,
        a.shop_id,
        a.session_id,
        a.channel,
        concat('「', array_to_string(a.words, '、'), '」 ', a.snippet) AS evidence,
        a.first_seen_at,
        CAST(NULL AS BIGINT) AS contacts
    FROM word_alerts a
    JOIN severity_rank s ON s.rank = a.rank
),
contacts AS (
    SELECT session_id AS contact_id, 'chat' AS channel, customer_id, shop_id, started_at, CAST(dt AS DATE) AS day
    FROM chat_sessions
    UNION ALL
    SELECT call_id, 'call', MAX(customer_id), MAX(shop_id), MIN(call_started_at), CAST(MIN(dt) AS DATE)
    FROM call_transcripts
    GROUP BY call_id
),
windowed AS (
    SELECT r.id AS rule_id, r.window_days, r.severity, r.min_contacts, c.*
    FROM contacts c
    JOIN risk_rules r ON r.kind = 'repeat_contact'
    WHERE c.day <= $run_date AND c.day + r.window_days > $run_date
),
repeaters AS (
    -- counting first keeps the ordered aggregates below to the few groups that alert
    SELECT rule_id, customer_id, shop_id
    FROM windowed
    GROUP BY rule_id, min_contacts, customer_id, shop_id
    -- a customer stays on the radar while the window holds min_contacts, even
    -- on a day without a new contact (alert_id differs per run date)
    HAVING COUNT(*) >= min_contacts
),
repeat_contacts AS (
    SELECT
        w.*,
        ROW_NUMBER() OVER (PARTITION BY w.rule_id, w.customer_id, w.shop_id ORDER BY w.started_at DESC, w.contact_id DESC) AS from_last
    FROM windowed w
    JOIN repeaters g ON g.rule_id = w.rule_id AND g.customer_id = w.customer_id AND g.shop_id = w.shop_id
),
repeat_groups AS (
    SELECT
        rule_id, customer_id, shop_id,
        COUNT(*) AS contacts,
        SUM(CASE WHEN channel = 'chat' THEN 1 ELSE 0 END) AS chats,
        SUM(CASE WHEN channel = 'call' THEN 1 ELSE 0 END) AS calls,
        array_to_string(array_sort(string_to_array(string_agg(contact_id, '	'), '	')), ', ') AS ids,
        MIN(started_at) AS first_seen_at
    FROM repeat_contacts
    GROUP BY rule_id, customer_id, shop_id
),
repeat_alerts AS (
    SELECT
        concat('repeat_contact_', CAST(l.window_days AS VARCHAR), 'd') AS alert_type,
        l.rule_id,
        l.severity,
        l.customer_id,
        l.shop_id,
        -- the latest contact: where a manager starts reading
        l.contact_id AS session_id,
        l.channel,
        concat(
            CAST(g.contacts AS VARCHAR), ' 次联系 / ', CAST(l.window_days AS VARCHAR), ' 天（会话 ',
            CAST(g.chats AS VARCHAR), '，电话 ', CAST(g.calls AS VARCHAR), '）：', g.ids
        ) AS evidence,
        g.first_seen_at,
        g.contacts
    FROM repeat_contacts l
    JOIN repeat_groups g ON g.rule_id = l.rule_id AND g.customer_id = l.customer_id AND g.shop_id = l.shop_id
    WHERE l.from_last = 1
),
escalations AS (
    SELECT
        m.*,
        MAX(m.sentiment) OVER (
            PARTITION BY m.session_id ORDER BY m.sent_at, m.message_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS best_before
    FROM customer_msgs m
),
escalation_alerts AS (
    -- the first message where the fall happened
    SELECT
        'negative_escalation' AS alert_type,
        rule_id,
        severity,
        customer_id,
        shop_id,
        session_id,
        channel,
        concat('情绪 ', CAST(round(best_before, 2) AS VARCHAR), ' → ', CAST(round(sentiment, 2) AS VARCHAR), '：',
               message_id, '：', substr(content_masked, 1, 80)) AS evidence,
        sent_at AS first_seen_at,
        CAST(NULL AS BIGINT) AS contacts
    FROM (
        SELECT e.*, r.id AS rule_id, r.severity,
            ROW_NUMBER() OVER (PARTITION BY r.id, e.session_id ORDER BY e.sent_at, e.message_id) AS k
        FROM escalations e
        JOIN risk_rules r ON r.kind = 'negative_escalation'
        WHERE e.best_before >= r.from_at_least AND e.sentiment <= r.to_at_most
    ) x
    WHERE k = 1
),
complaint_sessions AS (
    -- the session's first complaint message (or its first message, for a high-risk word session)
    SELECT session_id, channel, shop_id, customer_id, sent_at AS first_seen_at,
        concat(message_id, '：', substr(content_masked, 1, 80)) AS snippet
    FROM (
        SELECT m.*,
            ROW_NUMBER() OVER (PARTITION BY m.session_id
                               ORDER BY CASE WHEN m.intent = 'complaint' THEN 0 ELSE 1 END, m.sent_at, m.message_id) AS k
        FROM customer_msgs m
        WHERE m.session_id IN (SELECT session_id FROM customer_msgs WHERE intent = 'complaint')
           OR m.session_id IN (SELECT session_id FROM word_alerts WHERE alert_type = 'high_risk_complaint')
    ) x
    WHERE k = 1
),
vip_alerts AS (
    SELECT
        'vip_complaint' AS alert_type,
        r.id AS rule_id,
        r.severity,
        s.customer_id,
        s.shop_id,
        s.session_id,
        s.channel,
        concat('会员等级 ', c.member_level, '：', s.snippet) AS evidence,
        s.first_seen_at,
        CAST(NULL AS BIGINT) AS contacts
    FROM complaint_sessions s
    JOIN customers c ON c.customer_id = s.customer_id AND c.dt = CAST($run_date AS VARCHAR)
    JOIN risk_rules r ON r.kind = 'vip_complaint' AND array_has(r.member_levels, c.member_level)
),
alerts AS (
    SELECT * FROM word_alert_rows
    UNION ALL SELECT * FROM repeat_alerts
    UNION ALL SELECT * FROM escalation_alerts
    UNION ALL SELECT * FROM vip_alerts
)
SELECT
    substr(md5(concat(alert_type, '|', COALESCE(rule_id, ''), '|', customer_id, '|', shop_id, '|',
                      CASE WHEN alert_type LIKE 'repeat_contact%' THEN CAST($run_date AS VARCHAR) ELSE session_id END)), 1, 20) AS alert_id,
    alert_type,
    severity,
    rule_id,
    customer_id,
    shop_id,
    session_id,
    channel,
    evidence,
    first_seen_at,
    contacts
FROM alerts
ORDER BY alert_type, customer_id, shop_id, session_id
