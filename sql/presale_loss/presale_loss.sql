-- presale_loss: per shop, agent (NULL: the bot alone) and category of day $dt,
-- consulting customers, how many bought (T+1), and the loss reasons counted
-- over the customers who did not (a customer may have several), most first.
WITH groups AS (
    SELECT shop_id, agent_id, category,
        COUNT(*) AS consulting_customers,
        SUM(CASE WHEN converted THEN 1 ELSE 0 END) AS converted_customers
    FROM presale_outcomes
    GROUP BY shop_id, agent_id, category
),
reason_counts AS (
    -- evidence: up to 3 of the sessions (smallest ids) that ended with this reason
    SELECT shop_id, agent_id, category, reason, COUNT(*) AS customers,
        array_slice(sorted_list(session_id), 1, 3) AS example_session_ids
    FROM (
        SELECT shop_id, agent_id, category, session_id, unnest(loss_reasons) AS reason
        FROM presale_outcomes
        WHERE NOT converted
    ) x
    GROUP BY shop_id, agent_id, category, reason
),
ranked AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY shop_id, agent_id, category ORDER BY customers DESC, reason) AS rank
    FROM reason_counts
),
reason_lists AS (
    SELECT shop_id, agent_id, category,
        sorted_list(named_struct('rank', rank, 'reason', reason, 'customers', customers, 'example_session_ids', example_session_ids)) AS loss_reasons
    FROM ranked
    GROUP BY shop_id, agent_id, category
)
SELECT
    g.shop_id,
    g.agent_id,
    g.category,
    g.consulting_customers,
    g.converted_customers,
    CAST(g.converted_customers AS DOUBLE) / g.consulting_customers AS conversion_rate,
    g.consulting_customers - g.converted_customers AS lost_customers,
    r.loss_reasons
FROM groups g
LEFT JOIN reason_lists r
  ON r.shop_id = g.shop_id AND r.category = g.category AND r.agent_id IS NOT DISTINCT FROM g.agent_id
ORDER BY g.shop_id, g.agent_id, g.category
