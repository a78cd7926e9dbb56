-- session_products: for every chat session of the run date in which the
-- customer sent a product card ([商品卡片] <product name> ¥<price>), the
-- product of the first card: the shop's product whose name the card holds
-- (products snapshot of the same day; ties by product_id).
SELECT session_id, shop_id, customer_id, product_id, category, message_id AS card_message_id
FROM (
    SELECT m.session_id, m.shop_id, m.customer_id, p.product_id, p.category, m.message_id,
        ROW_NUMBER() OVER (PARTITION BY m.session_id ORDER BY m.sent_at, m.message_id, p.product_id) AS k
    FROM message_insights m
    JOIN products p ON p.shop_id = m.shop_id AND strpos(m.content_masked, p.product_name) > 0
    WHERE m.dt = $run_date AND p.dt = CAST($run_date AS VARCHAR)
      AND m.msg_type = 'card' AND m.sender = 'customer' AND m.content_masked LIKE '[商品卡片]%'
) x
WHERE k = 1
ORDER BY session_id
