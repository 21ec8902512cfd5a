-- grain: one row per customer acquired in the loaded data (a customer_key with a new-customer order)
-- The acquisition order is the customer's earliest new-customer order (order_date, order_id,
-- source): cohort_month is its month, acquisition_channel its attributed channel. New-customer
-- orders are sales (int.orders_attributed.is_new_customer): a customer whose first order was never
-- paid or was refunded in full is acquired by their next sale, and one with no sale is no customer.
CREATE OR REPLACE VIEW int.customers AS
WITH orders AS (
    SELECT * FROM int.orders_attributed
),
acquisitions AS (
    SELECT
        customer_key,
        order_date,
        channel,
        row_number() OVER (
            PARTITION BY customer_key ORDER BY order_date, order_id, source
        ) AS acquisition_rank
    FROM orders
    WHERE is_new_customer
)
SELECT
    customer_key,
    order_date AS first_order_date,
    date_trunc('month', order_date)::DATE AS cohort_month,
    channel AS acquisition_channel
FROM acquisitions
WHERE acquisition_rank = 1
