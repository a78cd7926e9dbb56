-- kpi_agent_daily: day $dt per agent (with team and shop): the sessions and
-- calls the agent served, their response times, CSAT, QA and resolution.
WITH sf AS (
    SELECT * FROM session_facts WHERE dt = $dt AND agent_id IS NOT NULL
),
qa AS (
    SELECT session_id, score FROM qa_session_scores WHERE dt = $dt
)
SELECT
    sf.agent_id,
    sf.team_id,
    sf.shop_id,
    COUNT(*) AS sessions,
    SUM(CASE WHEN sf.channel = 'call' THEN 1 ELSE 0 END) AS calls,
    percentile_cont(sf.human_first_response_s, 0.5) AS frt_p50_s,
    SUM(sf.avg_reply_s * (sf.customer_turns - sf.unanswered_turns)) / NULLIF(SUM(CASE WHEN sf.avg_reply_s IS NOT NULL THEN sf.customer_turns - sf.unanswered_turns END), 0) AS avg_reply_s,
    COUNT(sf.csat) AS rated_sessions,
    AVG(CAST(sf.csat AS DOUBLE)) AS csat_avg,
    AVG(qa.score) AS qa_score_avg,
    AVG(CASE WHEN sf.resolved THEN 1.0 ELSE 0.0 END) AS resolution_rate,
    SUM(sf.question_rounds) AS question_rounds,
    CAST(SUM(sf.rounds_answered_in_time) AS DOUBLE) / NULLIF(SUM(sf.question_rounds), 0) AS response_3min_rate
FROM sf
LEFT JOIN qa ON qa.session_id = sf.session_id
GROUP BY sf.agent_id, sf.team_id, sf.shop_id
ORDER BY sf.agent_id, sf.team_id, sf.shop_id
