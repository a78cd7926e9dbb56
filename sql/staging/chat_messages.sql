-- Staging view for chat_messages: maps the raw dump (raw.chat_messages) onto the canonical
-- contract. A shop whose dump names or types columns differently edits this
-- SELECT (rename with AS, convert with CAST), not Rust. dt comes from the path.
SELECT
    message_id,
    session_id,
    platform,
    shop_id,
    customer_id,
    agent_id,
    sender,
    sent_at,
    content,
    msg_type,
    dt
FROM raw.chat_messages
