-- presale_sessions: the chat sessions of the run date that are pre-sale
-- consultations (询单), and the product category each is about. A session is
-- pre-sale when the customer
--   asked a pre-sale question (a customer message of intent presale), or
--   said nothing of an existing order (no after-sale, refund or complaint
--   intent, no order number) and either sent a product card or had placed no
--   order with the shop in the $no_order_days days before the session began
--   (the usual 售前 / 售中 / 售后 split by order state).
-- Category: the product card (session_products); else the first order the
-- customer placed with the shop after the session began, that day; else the
-- shop's only category; else NULL (readers add their own fallbacks).
WITH customer_msgs AS (
    SELECT session_id, shop_id, customer_id, sent_at, intent, order_ids
    FROM message_insights
    WHERE dt = $run_date AND channel = 'chat' AND sender = 'customer'
),
sessions AS (
    SELECT
        session_id,
        MAX(shop_id) AS shop_id,
        MAX(customer_id) AS customer_id,
        MIN(sent_at) AS started_at,
        COALESCE(BOOL_OR(intent = 'presale'), false) AS asked_presale,
        COALESCE(BOOL_OR(intent IN ('aftersale', 'refund_return', 'complaint')), false) AS asked_aftersale,
        COALESCE(BOOL_OR(cardinality(order_ids) > 0), false) AS named_order
    FROM customer_msgs
    GROUP BY session_id
),
prior_orders AS (
    SELECT DISTINCT s.session_id
    FROM sessions s
    JOIN orders o ON o.customer_id = s.customer_id AND o.shop_id = s.shop_id
    WHERE o.created_at < s.started_at
      AND CAST(local_time(o.created_at, $timezone) AS DATE) > $run_date - $no_order_days
),
presale AS (
    SELECT s.*, c.product_id, c.category AS card_category,
        CASE WHEN s.asked_presale THEN 'presale_question' WHEN c.session_id IS NOT NULL THEN 'product_card' ELSE 'no_prior_order' END AS basis
    FROM sessions s
    LEFT JOIN session_products c ON c.session_id = s.session_id
    LEFT JOIN prior_orders p ON p.session_id = s.session_id
    WHERE s.asked_presale
       OR (NOT s.asked_aftersale AND NOT s.named_order AND (c.session_id IS NOT NULL OR p.session_id IS NULL))
),
order_after AS (
    SELECT session_id, category
    FROM (
        SELECT s.session_id, o.category,
            ROW_NUMBER() OVER (PARTITION BY s.session_id ORDER BY o.created_at, o.order_id) AS k
        FROM presale s
        JOIN orders o ON o.customer_id = s.customer_id AND o.shop_id = s.shop_id
        WHERE o.dt = CAST($run_date AS VARCHAR) AND o.created_at >= s.started_at
    ) x
    WHERE k = 1
),
single_category_shops AS (
    SELECT shop_id, MAX(category) AS category
    FROM products
    WHERE dt = CAST($run_date AS VARCHAR)
    GROUP BY shop_id
    HAVING COUNT(DISTINCT category) = 1
)
SELECT
    p.session_id,
    p.shop_id,
    p.customer_id,
    p.started_at,
    p.basis,
    p.product_id,
    COALESCE(p.card_category, o.category, sc.category) AS category,
    CASE WHEN p.card_category IS NOT NULL THEN 'card' WHEN o.category IS NOT NULL THEN 'order' WHEN sc.category IS NOT NULL THEN 'shop' END AS category_source
FROM presale p
LEFT JOIN order_after o ON o.session_id = p.session_id
LEFT JOIN single_category_shops sc ON sc.shop_id = p.shop_id
ORDER BY p.session_id
