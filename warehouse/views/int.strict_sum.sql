-- grain: macro (aggregate): sum(x) that is NULL when any summed value is NULL
-- Used for money: an amount whose exchange rate is missing is NULL, and a total that includes an
-- unknown amount is unknown too, rather than silently short (see marts.fx_missing).
CREATE OR REPLACE MACRO int.strict_sum(x) AS
    CASE WHEN count(*) = count(x) THEN sum(x) END
