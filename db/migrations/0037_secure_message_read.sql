-- Secure messages read and unread (issue 15, the account home's "Action needed" lists unread answers only): when the
-- customer last opened the thread (`/account/messages/:number`). An answer or a question of the agency made after it
-- (or any, while it is empty) is unread. Only secure message threads set it.
ALTER TABLE service_items ADD COLUMN customer_read_at timestamptz;
