-- presale_losses: the old name of presale_outcomes (the table was renamed because
-- presale_losses and presale_loss differed by one letter). The same rows, kept for
-- one release (0.2) so dashboards that read presale_losses keep working; see
-- docs/tables.md, "Renamed tables".
SELECT * EXCLUDE (dt) FROM presale_outcomes
