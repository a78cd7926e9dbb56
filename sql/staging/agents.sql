-- Staging view for agents: maps the raw dump (raw.agents) onto the canonical
-- contract. A shop whose dump names or types columns differently edits this
-- SELECT (rename with AS, convert with CAST), not Rust. dt comes from the path.
SELECT
    agent_id,
    agent_name,
    team_id,
    shop_id,
    hired_at,
    dt
FROM raw.agents
