-- basket_rules: association rules among the products of a shop over the
-- job's window (orders of the last N days up to the run date). Baskets and
-- thresholds: config/basket_rules.toml. Memory is bounded by the number of
-- distinct (shop, product) pairs bought together, not by the orders: the
-- self-join is per basket, and every aggregate can spill.
WITH t AS (
    SELECT min_orders, min_support, min_confidence FROM basket_thresholds LIMIT 1
),
items AS (
    -- a basket's items; order_id (the smallest of the product's orders in the basket) is evidence
    SELECT shop_id, customer_id, day, product_id, MIN(order_id) AS order_id
    FROM (
        SELECT shop_id, customer_id, CAST(local_time(paid_at, $timezone) AS DATE) AS day, product_id, order_id
        FROM orders
        WHERE paid_at IS NOT NULL
    ) o
    WHERE day > CAST($run_date AS DATE) - $window_days AND day <= CAST($run_date AS DATE)
    GROUP BY shop_id, customer_id, day, product_id
),
baskets AS (
    SELECT shop_id, COUNT(*) AS baskets
    FROM (SELECT DISTINCT shop_id, customer_id, day FROM items) b
    GROUP BY shop_id
),
item_baskets AS (
    SELECT shop_id, product_id, COUNT(*) AS k FROM items GROUP BY shop_id, product_id
),
pairs AS (
    SELECT a.shop_id, a.product_id AS antecedent, b.product_id AS consequent, COUNT(*) AS k,
        MIN(concat(a.order_id, '+', b.order_id)) AS example_orders
    FROM items a
    JOIN items b
      ON a.shop_id = b.shop_id AND a.customer_id = b.customer_id AND a.day = b.day AND a.product_id <> b.product_id
    GROUP BY a.shop_id, a.product_id, b.product_id
)
SELECT
    p.shop_id,
    concat(CAST(CAST($run_date AS DATE) - ($window_days - 1) AS VARCHAR), '..', CAST($run_date AS VARCHAR)) AS period,
    p.antecedent,
    p.consequent,
    p.k AS orders,
    n.baskets,
    ia.k AS antecedent_orders,
    ic.k AS consequent_orders,
    CAST(p.k AS DOUBLE) / n.baskets AS support,
    CAST(p.k AS DOUBLE) / ia.k AS confidence,
    (CAST(p.k AS DOUBLE) / ia.k) / (CAST(ic.k AS DOUBLE) / n.baskets) AS lift,
    p.example_orders
FROM pairs p
JOIN baskets n ON n.shop_id = p.shop_id
JOIN item_baskets ia ON ia.shop_id = p.shop_id AND ia.product_id = p.antecedent
JOIN item_baskets ic ON ic.shop_id = p.shop_id AND ic.product_id = p.consequent
CROSS JOIN t
WHERE p.k >= t.min_orders
  AND CAST(p.k AS DOUBLE) / n.baskets >= t.min_support
  AND CAST(p.k AS DOUBLE) / ia.k >= t.min_confidence
ORDER BY p.shop_id, lift DESC, p.antecedent, p.consequent
