-- qa_rollup (a view of the qa job, not written): QA of day $dt rolled up per agent
-- (agent_id, team_id, shop_id), per team (team_id, shop_id) and per shop (shop_id) at once,
-- `grain` telling which. The three roll-up outputs select their grain from it, so the
-- aggregate is written once: mean score, sessions, share below the pass mark ($pass_mark),
-- critical sessions, and how many sessions broke each rule (rule_counts, ordered by rule id;
-- sorted_list, a voc aggregate, orders the structs by rule_id, their first field).
WITH grains AS (
    -- each scored session once per grain it rolls up to (a session without an agent rolls up
    -- to its team and shop only)
    SELECT 'agent' AS grain, agent_id, team_id, shop_id, session_id, channel, score, critical
    FROM qa_session_scores WHERE agent_id IS NOT NULL
    UNION ALL
    SELECT 'team', CAST(NULL AS VARCHAR), team_id, shop_id, session_id, channel, score, critical
    FROM qa_session_scores WHERE team_id IS NOT NULL
    UNION ALL
    SELECT 'shop', CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), shop_id, session_id, channel, score, critical
    FROM qa_session_scores WHERE shop_id IS NOT NULL
),
deduction_grains AS (
    SELECT 'agent' AS grain, agent_id, team_id, shop_id, rule_id, rule_name
    FROM qa_deductions WHERE agent_id IS NOT NULL
    UNION ALL
    SELECT 'team', CAST(NULL AS VARCHAR), team_id, shop_id, rule_id, rule_name
    FROM qa_deductions WHERE team_id IS NOT NULL
    UNION ALL
    SELECT 'shop', CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), shop_id, rule_id, rule_name
    FROM qa_deductions WHERE shop_id IS NOT NULL
),
per_rule AS (
    SELECT grain, agent_id, team_id, shop_id, rule_id, MAX(rule_name) AS rule_name, COUNT(*) AS sessions
    FROM deduction_grains
    GROUP BY grain, agent_id, team_id, shop_id, rule_id
),
rule_counts AS (
    SELECT grain, agent_id, team_id, shop_id,
        sorted_list(named_struct('rule_id', rule_id, 'rule_name', rule_name, 'sessions', sessions)) AS rule_counts
    FROM per_rule
    GROUP BY grain, agent_id, team_id, shop_id
),
scores AS (
    SELECT grain, agent_id, team_id, shop_id,
        COUNT(*) AS sessions,
        SUM(CASE WHEN channel = 'call' THEN 1 ELSE 0 END) AS calls,
        AVG(score) AS score_avg,
        MIN(score) AS score_min,
        AVG(CASE WHEN score < $pass_mark THEN 1.0 ELSE 0.0 END) AS below_pass_rate,
        SUM(CASE WHEN critical THEN 1 ELSE 0 END) AS critical_sessions
    FROM grains
    GROUP BY grain, agent_id, team_id, shop_id
)
SELECT s.grain, s.agent_id, s.team_id, s.shop_id, s.sessions, s.calls, s.score_avg, s.score_min,
    s.below_pass_rate, s.critical_sessions, r.rule_counts
FROM scores s
LEFT JOIN rule_counts r ON s.grain = r.grain
    AND (s.agent_id IS NOT DISTINCT FROM r.agent_id)
    AND (s.team_id IS NOT DISTINCT FROM r.team_id)
    AND (s.shop_id IS NOT DISTINCT FROM r.shop_id)
