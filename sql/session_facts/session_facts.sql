-- session_facts: one row per chat session of the run date.
-- Response times are measured from customer turns: a turn starts at a
-- customer message that does not follow another customer message, and is
-- answered by the next agent or bot message (docs/tables.md has the formulas).
WITH msgs AS (
    SELECT
        session_id,
        sender,
        sent_at,
        message_id,
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
    FROM chat_messages
    WHERE dt = $run_date
),
turns AS (
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
        m.session_id,
        SUM(CASE WHEN m.sender = 'customer' THEN 1 ELSE 0 END) AS customer_msgs,
        SUM(CASE WHEN m.sender = 'agent' THEN 1 ELSE 0 END) AS agent_msgs,
        SUM(CASE WHEN m.sender = 'bot' THEN 1 ELSE 0 END) AS bot_msgs,
        BOOL_OR(m.from_end = 1 AND m.sender = 'customer') AS ended_unanswered
    FROM msgs m
    GROUP BY m.session_id
),
per_turns AS (
    SELECT
        session_id,
        COUNT(*) AS customer_turns,
        MAX(CASE WHEN turn_no = 1 THEN date_part('epoch', next_reply_at) - date_part('epoch', sent_at) END) AS first_response_s,
        MIN(date_part('epoch', next_human_at) - date_part('epoch', sent_at)) FILTER (WHERE turn_no = 1) AS human_first_response_s,
        AVG(date_part('epoch', next_reply_at) - date_part('epoch', sent_at)) AS avg_reply_s,
        SUM(CASE WHEN next_reply_at IS NULL THEN 1 ELSE 0 END) AS unanswered_turns
    FROM turns
    GROUP BY session_id
)
SELECT
    s.session_id,
    'chat' AS channel,
    s.platform,
    s.shop_id,
    s.customer_id,
    s.agent_id,
    s.team_id,
    s.started_at,
    s.ended_at,
    date_part('epoch', s.ended_at) - date_part('epoch', s.started_at) AS duration_s,
    t.first_response_s,
    t.human_first_response_s,
    t.avg_reply_s,
    COALESCE(t.customer_turns, 0) AS customer_turns,
    COALESCE(t.unanswered_turns, 0) AS unanswered_turns,
    COALESCE(p.customer_msgs, 0) AS customer_msgs,
    COALESCE(p.agent_msgs, 0) AS agent_msgs,
    COALESCE(p.bot_msgs, 0) AS bot_msgs,
    s.transferred_to_human,
    s.csat,
    COALESCE(p.ended_unanswered, FALSE) AS ended_unanswered
FROM chat_sessions s
LEFT JOIN per_session p ON p.session_id = s.session_id
LEFT JOIN per_turns t ON t.session_id = s.session_id
WHERE s.dt = $run_date
ORDER BY s.session_id
