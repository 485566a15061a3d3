-- Dashboards (issue 5 item 8) read service items by period: created in it (volume, first response), due in it (SLA
-- compliance) and breached in it. Without these, each dashboard view would scan every item.
CREATE INDEX service_items_created_idx ON service_items (created_at);
CREATE INDEX service_items_due_all_idx ON service_items (due_at);
CREATE INDEX service_items_breached_idx ON service_items (breached_at) WHERE breached_at IS NOT NULL;
-- Clocks are watched by one job per item (ADR 12), never by scanning: the partial due index of 0023 only slowed
-- every claim and update (a claim changes indexed columns, so each index of the table gets a new entry).
DROP INDEX service_items_due_idx;
