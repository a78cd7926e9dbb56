-- qa_team_daily: QA of day $dt per team (team_id, shop_id), from the qa_rollup view
-- (sql/qa/qa_rollup.sql: the columns are described there).
SELECT team_id, shop_id, sessions, calls, score_avg, score_min, below_pass_rate, critical_sessions, rule_counts
FROM qa_rollup
WHERE grain = 'team'
ORDER BY team_id, shop_id
