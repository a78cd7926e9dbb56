-- Staging view for call_transcripts: maps the raw dump (raw.call_transcripts) onto the canonical
-- contract. A shop whose dump names or types columns differently edits this
-- SELECT (rename with AS, convert with CAST), not Rust. dt comes from the path.
SELECT
    call_id,
    shop_id,
    customer_id,
    agent_id,
    team_id,
    direction,
    call_started_at,
    seq,
    speaker,
    offset_ms,
    text,
    dt
FROM raw.call_transcripts
