-- Dashboards (issue 5 item 8) read service items by period: created in it (volume, first response), due in it (SLA
-- compliance) and breached in it. Without these, each dashboard view would scan every item.
CREATE INDEX service_items_created_idx ON service_items (created_at);
CREATE INDEX service_items_due_all_idx ON service_items (due_at);
CREATE INDEX service_items_breached_idx ON service_items (breached_at) WHERE breached_at IS NOT NULL;
