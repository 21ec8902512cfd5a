-- The media-mix model's fits and plans (`roi mmm`, `roi plan`): every fit and every plan is kept under its own id,
-- none overwrites another. The marts.mmm_* views read them with each fit's period and diagnostics.
CREATE SCHEMA IF NOT EXISTS mmm;

CREATE TABLE IF NOT EXISTS mmm.fits (
    fit_id VARCHAR NOT NULL,
    fitted_at TIMESTAMPTZ NOT NULL,
    period_start DATE NOT NULL,        -- the first fitted week's Monday
    period_end DATE NOT NULL,          -- the last fitted week's Sunday
    weeks INTEGER NOT NULL,
    outcome VARCHAR NOT NULL,          -- revenue | orders | leads
    currency VARCHAR NOT NULL,         -- the reporting currency of spends (and of revenue)
    outcome_total DOUBLE NOT NULL,     -- the outcome over the fitted weeks
    method VARCHAR NOT NULL,           -- the sampler and its draws, or the MAP preview
    quick BOOLEAN NOT NULL,
    r_hat_max DOUBLE,                  -- NULL for a MAP preview
    divergences INTEGER,
    ess_bulk_min DOUBLE,
    mape DOUBLE NOT NULL,              -- mean absolute % error of the fitted weeks
    r2 DOUBLE NOT NULL,
    controls VARCHAR,                  -- holidays and control variables, ';'-separated
    doubts VARCHAR,                    -- JSON list of what the model is not sure of (code, channel, value)
    PRIMARY KEY (fit_id)
);

CREATE TABLE IF NOT EXISTS mmm.channel_roi (
    fit_id VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    spend DOUBLE NOT NULL,             -- media spend over the fitted weeks
    incremental DOUBLE NOT NULL,       -- outcome the channel added (posterior mean), and its 5–95 % interval
    incremental_p05 DOUBLE NOT NULL,
    incremental_p95 DOUBLE NOT NULL,
    roi DOUBLE,                        -- incremental ÷ spend (NULL without spend), and its interval
    roi_p05 DOUBLE,
    roi_p95 DOUBLE,
    share_explained DOUBLE NOT NULL,   -- incremental ÷ the outcome over the fitted weeks
    adstock_alpha DOUBLE NOT NULL,     -- weekly carry-over (posterior mean)
    PRIMARY KEY (fit_id, channel)
);

-- The posterior draws of each channel's response (mmm/response.py): what `roi plan` optimises over.
CREATE TABLE IF NOT EXISTS mmm.params (
    fit_id VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    draw INTEGER NOT NULL,
    beta DOUBLE NOT NULL,
    lam DOUBLE NOT NULL,
    alpha DOUBLE NOT NULL,
    scale DOUBLE NOT NULL,
    PRIMARY KEY (fit_id, channel, draw)
);

CREATE TABLE IF NOT EXISTS mmm.response_curves (
    fit_id VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    weekly_spend DOUBLE NOT NULL,      -- a spend held every week
    incremental DOUBLE NOT NULL,       -- the weekly outcome it adds once carried over, and its interval
    incremental_p05 DOUBLE NOT NULL,
    incremental_p95 DOUBLE NOT NULL,
    PRIMARY KEY (fit_id, channel, weekly_spend)
);

CREATE TABLE IF NOT EXISTS mmm.plans (
    plan_id VARCHAR NOT NULL,
    fit_id VARCHAR NOT NULL,
    planned_at TIMESTAMPTZ NOT NULL,
    weeks INTEGER NOT NULL,
    budget DOUBLE NOT NULL,            -- over the weeks
    gain DOUBLE NOT NULL,              -- expected extra outcome over the weeks vs today's allocation
    gain_p05 DOUBLE NOT NULL,
    gain_p95 DOUBLE NOT NULL,
    PRIMARY KEY (plan_id)
);

CREATE TABLE IF NOT EXISTS mmm.plan_channels (
    plan_id VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    bucket VARCHAR,                    -- the channel's 70/20/10 bucket in the latest budget (NULL: no budget line)
    current_weekly DOUBLE NOT NULL,    -- recent weekly spend
    planned_weekly DOUBLE NOT NULL,
    min_weekly DOUBLE NOT NULL,        -- the limits the plan kept to
    max_weekly DOUBLE NOT NULL,
    outcome_current DOUBLE NOT NULL,   -- expected incremental outcome over the weeks at each spend
    outcome_planned DOUBLE NOT NULL,
    marginal_current DOUBLE NOT NULL,  -- what the next unit of weekly spend adds (per unit), at each spend
    marginal_planned DOUBLE NOT NULL,
    PRIMARY KEY (plan_id, channel)
);
