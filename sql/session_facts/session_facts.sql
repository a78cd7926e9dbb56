-- session_facts: one row per chat session and per call of day $dt (= run
-- date - 1; the job has lag_days = 1 because a session's 24 h follow-up
-- window reaches into the run date's data). Formulas: docs/tables.md.
WITH msgs AS (
    -- every chat message of D-1 in order, with the next reply after it
    SELECT
        session_id,
        message_id,
        sender,
        sent_at,
        sentiment,
        intent,
        content_chars,
        LAG(sender) OVER (PARTITION BY session_id ORDER BY sent_at, message_id) AS prev_sender,
        MIN(CASE WHEN sender IN ('agent', 'bot') THEN sent_at END) OVER (
            PARTITION BY session_id ORDER BY sent_at, message_id
            ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
        ) AS next_reply_at,
        MIN(CASE WHEN sender = 'agent' THEN sent_at END) OVER (
            PARTITION BY session_id ORDER BY sent_at, message_id
            ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
        ) AS next_human_at,
        ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY sent_at DESC, message_id DESC) AS from_end
    FROM message_insights
    WHERE dt = $dt AND channel = 'chat'
),
turns AS (
    -- a customer turn starts at a customer message that does not follow another one
    SELECT
        session_id,
        sent_at,
        next_reply_at,
        next_human_at,
        ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY sent_at, message_id) AS turn_no
    FROM msgs
    WHERE sender = 'customer' AND (prev_sender IS NULL OR prev_sender <> 'customer')
),
per_session AS (
    SELECT
        session_id,
        SUM(CASE WHEN sender = 'customer' THEN 1 ELSE 0 END) AS customer_msgs,
        SUM(CASE WHEN sender = 'agent' THEN 1 ELSE 0 END) AS agent_msgs,
        SUM(CASE WHEN sender = 'bot' THEN 1 ELSE 0 END) AS bot_msgs,
        SUM(CASE WHEN sender = 'customer' THEN content_chars ELSE 0 END) AS customer_chars,
        SUM(CASE WHEN sender = 'agent' THEN content_chars ELSE 0 END) AS agent_chars,
        BOOL_OR(from_end = 1 AND sender = 'customer') AS ended_unanswered,
        MIN(CASE WHEN sender IN ('agent', 'bot') THEN sent_at END) AS first_reply_at,
        MIN(CASE WHEN sender IN ('agent', 'system') THEN sent_at END) AS handoff_at,
        MIN(CASE WHEN sender = 'bot' THEN sent_at END) AS first_bot_at
    FROM msgs
    GROUP BY session_id
),
per_turns AS (
    SELECT
        session_id,
        COUNT(*) AS customer_turns,
        MAX(CASE WHEN turn_no = 1 THEN date_part('epoch', next_reply_at) - date_part('epoch', sent_at) END) AS first_response_s,
        MAX(CASE WHEN turn_no = 1 THEN date_part('epoch', next_human_at) - date_part('epoch', sent_at) END) AS human_first_response_s,
        AVG(date_part('epoch', next_reply_at) - date_part('epoch', sent_at)) AS avg_reply_s,
        MAX(date_part('epoch', next_reply_at) - date_part('epoch', sent_at)) AS max_reply_s,
        MAX(CASE WHEN turn_no > 1 THEN date_part('epoch', next_reply_at) - date_part('epoch', sent_at) END) AS max_later_reply_s,
        SUM(CASE WHEN next_reply_at IS NULL THEN 1 ELSE 0 END) AS unanswered_turns
    FROM turns
    GROUP BY session_id
),
human_seq AS (
    -- customer and human agent messages only: bot answers do not end a question round
    SELECT
        m.session_id,
        m.message_id,
        m.sender,
        m.sent_at,
        m.next_human_at,
        LAG(m.sender) OVER (PARTITION BY m.session_id ORDER BY m.sent_at, m.message_id) AS prev_sender
    FROM msgs m
    WHERE m.sender IN ('customer', 'agent')
),
rounds AS (
    -- 三分钟响应率: a round starts at a customer message after a human reply (or the
    -- first one), but not before the hand-over to a human in a bot-started session
    SELECT
        h.session_id,
        CASE WHEN p.first_bot_at < p.handoff_at AND h.sent_at < p.handoff_at THEN p.handoff_at ELSE h.sent_at END AS round_at,
        h.next_human_at
    FROM human_seq h
    JOIN per_session p ON p.session_id = h.session_id
    WHERE h.sender = 'customer' AND (h.prev_sender IS NULL OR h.prev_sender = 'agent')
      -- bot-only sessions never reached a human: they have no rounds
      AND (p.first_bot_at IS NULL OR p.handoff_at IS NOT NULL)
),
per_rounds AS (
    SELECT
        session_id,
        COUNT(*) AS question_rounds,
        SUM(CASE WHEN next_human_at IS NOT NULL
                      AND date_part('epoch', next_human_at) - date_part('epoch', round_at) <= $round_answered_s
                 THEN 1 ELSE 0 END) AS rounds_answered_in_time
    FROM rounds
    WHERE date_part('hour', local_time(round_at, $timezone)) >= $service_start_hour
      AND date_part('hour', local_time(round_at, $timezone)) < $service_end_hour
    GROUP BY session_id
),
customer_msgs AS (
    SELECT session_id, channel, sent_at, message_id, sentiment, intent
    FROM message_insights
    WHERE dt = $dt AND sender = 'customer' AND sentiment IS NOT NULL
),
sentiment_ends AS (
    SELECT
        session_id,
        MAX(CASE WHEN first_no = 1 THEN sentiment END) AS sentiment_start,
        MAX(CASE WHEN last_no = 1 THEN sentiment END) AS sentiment_end,
        MIN(sentiment) AS sentiment_min
    FROM (
        SELECT
            session_id,
            sentiment,
            ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY sent_at, message_id) AS first_no,
            ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY sent_at DESC, message_id DESC) AS last_no
        FROM customer_msgs
    ) x
    GROUP BY session_id
),
intents AS (
    -- dominant intent: the most frequent substantive intent of the customer's
    -- messages (chitchat and other only when nothing else was said); ties go
    -- to the intent that came first
    SELECT session_id, intent
    FROM (
        SELECT
            session_id,
            intent,
            ROW_NUMBER() OVER (
                PARTITION BY session_id
                ORDER BY CASE WHEN intent IN ('chitchat', 'other') THEN 1 ELSE 0 END, n DESC, first_at, intent
            ) AS pick
        FROM (
            SELECT session_id, intent, COUNT(*) AS n, MIN(sent_at) AS first_at
            FROM customer_msgs
            GROUP BY session_id, intent
        ) c
    ) r
    WHERE pick = 1
),
calls AS (
    SELECT
        call_id,
        MAX(shop_id) AS shop_id,
        MAX(customer_id) AS customer_id,
        MAX(agent_id) AS agent_id,
        MAX(team_id) AS team_id,
        MAX(direction) AS direction,
        MIN(call_started_at) AS started_at,
        -- the last utterance's start plus its length read at 4 characters a second
        MAX(offset_ms + 250 * COALESCE(character_length(text), 0)) AS length_ms,
        SUM(CASE WHEN speaker = 'customer' THEN 1 ELSE 0 END) AS customer_msgs,
        SUM(CASE WHEN speaker = 'agent' THEN 1 ELSE 0 END) AS agent_msgs,
        SUM(CASE WHEN speaker = 'customer' THEN character_length(text) ELSE 0 END) AS customer_chars,
        SUM(CASE WHEN speaker = 'agent' THEN character_length(text) ELSE 0 END) AS agent_chars,
        MIN(dt) AS call_dt
    FROM call_transcripts
    GROUP BY call_id
),
chats AS (
    SELECT
        s.session_id,
        'chat' AS channel,
        s.platform,
        s.shop_id,
        s.customer_id,
        s.agent_id,
        s.team_id,
        CAST(NULL AS VARCHAR) AS direction,
        s.started_at,
        s.ended_at,
        t.first_response_s,
        t.human_first_response_s,
        t.avg_reply_s,
        t.max_reply_s,
        t.max_later_reply_s,
        COALESCE(t.customer_turns, 0) AS customer_turns,
        COALESCE(t.unanswered_turns, 0) AS unanswered_turns,
        COALESCE(p.customer_msgs, 0) AS customer_msgs,
        COALESCE(p.agent_msgs, 0) AS agent_msgs,
        COALESCE(p.bot_msgs, 0) AS bot_msgs,
        CAST(NULL AS DOUBLE) AS agent_talk_share,
        COALESCE(p.first_bot_at IS NOT NULL AND p.first_bot_at <= COALESCE(p.first_reply_at, p.first_bot_at), FALSE) AS bot_started,
        s.transferred_to_human,
        COALESCE(p.agent_msgs > 0, FALSE) OR s.transferred_to_human AS human_served,
        COALESCE(r.question_rounds, 0) AS question_rounds,
        COALESCE(r.rounds_answered_in_time, 0) AS rounds_answered_in_time,
        s.csat,
        COALESCE(p.ended_unanswered, FALSE) AS ended_unanswered
    FROM chat_sessions s
    LEFT JOIN per_session p ON p.session_id = s.session_id
    LEFT JOIN per_turns t ON t.session_id = s.session_id
    LEFT JOIN per_rounds r ON r.session_id = s.session_id
    WHERE s.dt = $dt
),
phone AS (
    SELECT
        c.call_id AS session_id,
        'call' AS channel,
        'phone' AS platform,
        c.shop_id,
        c.customer_id,
        c.agent_id,
        c.team_id,
        c.direction,
        c.started_at,
        arrow_cast(to_timestamp_millis(CAST(c.started_at AS BIGINT) + c.length_ms), 'Timestamp(Millisecond, Some("UTC"))') AS ended_at,
        CAST(NULL AS DOUBLE) AS first_response_s,
        CAST(NULL AS DOUBLE) AS human_first_response_s,
        CAST(NULL AS DOUBLE) AS avg_reply_s,
        CAST(NULL AS DOUBLE) AS max_reply_s,
        CAST(NULL AS DOUBLE) AS max_later_reply_s,
        c.customer_msgs AS customer_turns,
        0 AS unanswered_turns,
        c.customer_msgs,
        c.agent_msgs,
        0 AS bot_msgs,
        CASE WHEN c.agent_chars + c.customer_chars > 0
             THEN CAST(c.agent_chars AS DOUBLE) / (c.agent_chars + c.customer_chars) END AS agent_talk_share,
        FALSE AS bot_started,
        FALSE AS transferred_to_human,
        TRUE AS human_served,
        0 AS question_rounds,
        0 AS rounds_answered_in_time,
        CAST(NULL AS INT) AS csat,
        FALSE AS ended_unanswered
    FROM calls c
    WHERE c.call_dt = CAST($dt AS VARCHAR)
),
facts AS (
    SELECT * FROM chats
    UNION ALL
    SELECT * FROM phone
),
contacts AS (
    -- every contact of D-1 and D, chat or phone, for the 24 h follow-up
    SELECT session_id AS contact_id, customer_id, shop_id, started_at FROM chat_sessions
    UNION ALL
    SELECT call_id, customer_id, shop_id, started_at FROM calls
),
recontacts AS (
    SELECT f.session_id, MIN(c.started_at) AS next_contact_at
    FROM facts f
    JOIN contacts c
      ON c.customer_id = f.customer_id
     AND c.shop_id = f.shop_id
     AND c.contact_id <> f.session_id
     AND c.started_at > f.started_at
     AND date_part('epoch', c.started_at) <= date_part('epoch', f.ended_at) + $followup_hours * 3600
    GROUP BY f.session_id
)
SELECT
    f.session_id,
    f.channel,
    f.platform,
    f.shop_id,
    f.customer_id,
    f.agent_id,
    f.team_id,
    f.direction,
    f.started_at,
    f.ended_at,
    date_part('epoch', f.ended_at) - date_part('epoch', f.started_at) AS duration_s,
    f.first_response_s,
    f.human_first_response_s,
    f.avg_reply_s,
    f.max_reply_s,
    f.max_later_reply_s,
    f.customer_turns,
    f.unanswered_turns,
    f.customer_msgs,
    f.agent_msgs,
    f.bot_msgs,
    f.agent_talk_share,
    f.bot_started,
    f.transferred_to_human,
    f.human_served,
    f.question_rounds,
    f.rounds_answered_in_time,
    f.csat,
    f.ended_unanswered,
    rc.next_contact_at,
    rc.session_id IS NOT NULL AS recontact_24h,
    NOT f.ended_unanswered AND rc.session_id IS NULL AS resolved,
    COALESCE(i.intent, 'other') AS intent,
    se.sentiment_start,
    se.sentiment_end,
    se.sentiment_min
FROM facts f
LEFT JOIN recontacts rc ON rc.session_id = f.session_id
LEFT JOIN intents i ON i.session_id = f.session_id
LEFT JOIN sentiment_ends se ON se.session_id = f.session_id
ORDER BY f.session_id
