-- qa_agent_daily: QA of day $dt per agent (agent_id, team_id, shop_id), from the qa_rollup view
-- (sql/qa/qa_rollup.sql: the columns are described there).
SELECT agent_id, team_id, shop_id, sessions, calls, score_avg, score_min, below_pass_rate, critical_sessions, rule_counts
FROM qa_rollup
WHERE grain = 'agent'
ORDER BY agent_id, team_id, shop_id
