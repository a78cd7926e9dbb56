-- Staging view for chat_sessions: maps the raw dump (raw.chat_sessions) onto the canonical
-- contract. A shop whose dump names or types columns differently edits this
-- SELECT (rename with AS, convert with CAST), not Rust. dt comes from the path.
SELECT
    session_id,
    platform,
    shop_id,
    customer_id,
    agent_id,
    team_id,
    started_at,
    ended_at,
    transferred_to_human,
    csat,
    csat_comment,
    dt
FROM raw.chat_sessions
