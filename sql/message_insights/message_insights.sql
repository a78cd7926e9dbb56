-- message_insights: every chat message and every call utterance of the run
-- date, analysed once by analyze_text(): the struct's fields share one
-- segmentation pass. Raw content is never written; content_masked is.
-- A call utterance gets message_id = <call_id>#<seq, 4 digits>, session_id =
-- call_id, platform = 'phone' and sent_at = call start + offset.
WITH src AS (
    SELECT
        message_id,
        session_id,
        'chat' AS channel,
        platform,
        shop_id,
        customer_id,
        agent_id,
        sender,
        sent_at,
        CAST(NULL AS INT) AS seq,
        msg_type,
        content
    FROM chat_messages
    WHERE dt = $run_date
    UNION ALL
    SELECT
        concat(call_id, '#', lpad(CAST(seq AS VARCHAR), 4, '0')) AS message_id,
        call_id AS session_id,
        'call' AS channel,
        'phone' AS platform,
        shop_id,
        customer_id,
        agent_id,
        speaker AS sender,
        arrow_cast(to_timestamp_millis(CAST(call_started_at AS BIGINT) + offset_ms), 'Timestamp(Millisecond, Some("UTC"))') AS sent_at,
        seq,
        'speech' AS msg_type,
        text AS content
    FROM call_transcripts
    WHERE dt = $run_date
),
analysed AS (
    SELECT src.*, analyze_text(content) AS a FROM src
)
SELECT
    message_id,
    session_id,
    channel,
    platform,
    shop_id,
    customer_id,
    agent_id,
    sender,
    sent_at,
    seq,
    msg_type,
    a['masked'] AS content_masked,
    CAST(character_length(content) AS INT) AS content_chars,
    a['truncated'] AS content_truncated,
    a['has_pii'] AS has_pii,
    a['sentiment'] AS sentiment,
    a['sentiment_label'] AS sentiment_label,
    a['sentiment_evidence'] AS sentiment_evidence,
    a['intent'] AS intent,
    a['tags'] AS tags,
    a['keywords'] AS keywords,
    a['aspects'] AS aspects,
    a['order_ids'] AS order_ids
FROM analysed
ORDER BY session_id, sent_at, message_id
