-- Technical help (issue 15 point 11, ACC-6, ACC-7): the technical-help form's items follow the routing table like
-- every channel, with an SLA clock of their own (service-items/sla.ts): password resets and lockouts within one day,
-- other technical requests in two to three days. The rules name each topic of the form; the help form's rule 20
-- stays for anything else it might send.
ALTER TABLE routing_rules DROP CONSTRAINT routing_rules_sla_policy_check;
ALTER TABLE routing_rules ADD CONSTRAINT routing_rules_sla_policy_check
  CHECK (sla_policy IN ('urgent', 'non_urgent', 'office_service_request', 'technical_reset', 'technical_other'));
ALTER TABLE service_items DROP CONSTRAINT service_items_sla_policy_check;
ALTER TABLE service_items ADD CONSTRAINT service_items_sla_policy_check
  CHECK (sla_policy IN ('urgent', 'non_urgent', 'office_service_request', 'technical_reset', 'technical_other'));

INSERT INTO routing_rules (position, section_1367, channel, type, urgent, target, sla_policy, note) VALUES
  (11, NULL, 'technical_help_form', 'password_reset', NULL, 'help_desk', 'technical_reset', 'ACC-6: password resets are handled within one day'),
  (12, NULL, 'technical_help_form', 'locked_out', NULL, 'help_desk', 'technical_reset', 'ACC-6: lockouts are handled within one day'),
  (13, NULL, 'technical_help_form', 'two_step', NULL, 'help_desk', 'technical_other', 'ACC-6: other technical requests, two to three days'),
  (14, NULL, 'technical_help_form', 'email_or_phone', NULL, 'help_desk', 'technical_other', 'ACC-6: other technical requests, two to three days'),
  (15, NULL, 'technical_help_form', 'sign_up', NULL, 'help_desk', 'technical_other', 'ACC-6: other technical requests, two to three days'),
  (16, NULL, 'technical_help_form', 'other', NULL, 'help_desk', 'technical_other', 'ACC-6: other technical requests, two to three days');
