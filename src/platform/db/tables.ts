import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** The database as Kysely sees it. One interface per table, named after it; migrations in db/migrations. */
type Json = ColumnType<Record<string, unknown>, string | Record<string, unknown>, string | Record<string, unknown>>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface AuditLogTable {
  id: Generated<number>;
  occurred_at: ColumnType<Date, Date, never>;
  actor_type: 'system' | 'public' | 'api_client' | 'account' | 'staff' | 'operator';
  actor_id: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  reason: string | null;
  details: Json;
  request_id: string | null;
  ip: string | null;
}

export interface CasesTable {
  id: Generated<number>;
  receipt_number: string;
  form_code: string;
  office_code: string;
  received_at: Date;
  status_key: string;
  status_at: Date;
  status_params: Json;
  /** Created by case events (db/migrations/0014_case_events.sql): form, office and received date follow them. */
  from_events: Generated<boolean>;
  /** db/migrations/0015_account_cases.sql */
  filing_channel: Generated<'online' | 'paper'>;
  section_1367: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The history rows of demo or migrated data; events carry their own (db/migrations/0028_history_from_the_event_log.sql). */
export interface CaseStatusHistoryTable {
  id: Generated<number>;
  case_id: number;
  status_key: string;
  occurred_at: Date;
}

export interface CaseEventsTable {
  event_id: string;
  receipt_number: string;
  type: string;
  occurred_at: Date;
  payload: Json;
  client_id: string | null;
  received_at: Date;
  /** The status the event gives its case, and the values of its text's placeholders (none for other events). */
  status_key: string | null;
  status_params: ColumnType<Json, string | undefined, string>;
}

/**
 * Events of receipt numbers that are not cases yet, waiting for an event that gives the form
 * (db/migrations/0033_case_events_pending.sql; ADR 13). Same columns as case_events.
 */
export type CaseEventsPendingTable = CaseEventsTable;

export interface ApiClientsTable {
  id: string;
  name: string;
  secret_hash: string;
  created_at: Date;
  disabled_at: Date | null;
  /** What the client may do (db/migrations/0014_case_events.sql): 'case_status:read', 'case_events:write'. */
  scopes: ColumnType<string[], string[] | undefined, string[]>;
}

export interface ApiAccessTokensTable {
  token_hash: string;
  client_id: string;
  issued_at: Date;
  expires_at: Date;
}

export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed';

export interface NotificationMessagesTable {
  id: string;
  channel: 'email' | 'sms';
  recipient: string;
  template: string;
  language: 'en' | 'es';
  subject: string | null;
  body: string;
  status: DeliveryStatus;
  status_reason: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  transport: string | null;
  provider_message_id: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
}

export interface NotificationStatusEventsTable {
  id: Generated<number>;
  message_id: string;
  status: DeliveryStatus;
  reason: string | null;
  occurred_at: Date;
}

export interface AccountsTable {
  id: string;
  kind: 'applicant' | 'representative' | 'staff';
  email: string;
  email_verified_at: Date | null;
  password_hash: string | null;
  online_account_number: string;
  language: 'en' | 'es';
  created_at: Date;
  activated_at: Date | null;
  /** When the person answered the identity questions (db/migrations/0017_identity_verification.sql). */
  identity_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Staff whose access was withdrawn (db/migrations/0007_staff.sql); optional on insert. */
  disabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Legal name and settings (db/migrations/0010_profile_settings.sql); all optional on insert. */
  given_name: ColumnType<string | null, string | null | undefined, string | null>;
  middle_name: ColumnType<string | null, string | null | undefined, string | null>;
  family_name: ColumnType<string | null, string | null | undefined, string | null>;
  /** A verified second address that also receives password reset links (ACC-5); set with its verification time. */
  recovery_email: ColumnType<string | null, string | null | undefined, string | null>;
  recovery_email_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  notify_by_email: ColumnType<boolean, boolean | undefined, boolean>;
  notify_by_text: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface AccountTokensTable {
  token_hash: string;
  account_id: string;
  purpose: 'verify_email' | 'reset_password' | 'change_email' | 'add_recovery_email' | 'unlock_sign_in';
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  /** change_email and add_recovery_email: the address the link went to, which it sets when used. */
  address: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A representative's profile (issue 3 item 1, REP-3); db/migrations/0010_profile_settings.sql. */
export interface RepresentativeProfilesTable {
  account_id: string;
  role: 'attorney' | 'accredited_representative';
  bar_state: string | null;
  bar_number: string | null;
  recognized_organization: string | null;
  /** 'YYYY-MM-DD' (DATE columns stay strings). */
  accreditation_expires_on: string | null;
  firm_name: string;
  street1: string;
  street2: string | null;
  city: string;
  state: string;
  zip: string;
  phone_e164: string;
  created_at: Date;
  updated_at: Date;
}

export interface AccountTotpTable {
  account_id: string;
  secret: string;
  confirmed_at: Date | null;
  last_step: number | null;
}

export interface AccountBackupCodesTable {
  account_id: string;
  code_hash: string;
  used_at: Date | null;
}

export type SessionStage = 'setup' | 'password' | 'full';

export interface AccountSessionsTable {
  id_hash: string;
  account_id: string;
  stage: SessionStage;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  user_agent: string | null;
  ip: string | null;
  /** Last full authentication (sign-in or re-authentication); null for partial sessions. */
  authenticated_at: Date | null;
  /** Re-authentication in progress: the password was given again at this time (the second factor follows). */
  reauth_password_at: Date | null;
}

export interface AccountSecurityEventsTable {
  id: Generated<number>;
  account_id: string;
  kind: string;
  occurred_at: Date;
  ip: string | null;
  details: Json;
}

/** `protected_cases` is a designation rather than a job: officers who hold it see Section 1367 cases (0029). */
export type StaffRole = 'tier1' | 'tier2' | 'tier3' | 'help_desk' | 'officer' | 'quality_assurance' | 'administrator' | 'protected_cases';

export interface StaffRolesTable {
  account_id: string;
  role: StaffRole;
  granted_at: Date;
  granted_by: string | null;
}

export interface StaffInvitationsTable {
  token_hash: string;
  email: string;
  display_name: string;
  roles: StaffRole[];
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

export interface StaffMembersTable {
  account_id: string;
  display_name: string;
}

/** A phone number (E.164). Verified numbers receive text-message codes and may get text notifications. */
export interface AccountPhonesTable {
  id: string;
  account_id: string;
  e164: string;
  label: string | null;
  verified_at: Date | null;
  created_at: Date;
}

export interface AccountEmailOtpTable {
  account_id: string;
  enabled_at: Date;
}

export interface AccountOneTimeCodesTable {
  account_id: string;
  purpose: 'authenticate' | 'verify_phone' | 'verify_email';
  channel: 'sms' | 'email';
  phone_id: string | null;
  code_hash: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

export interface AccountPasskeysTable {
  id: string;
  account_id: string;
  /** base64url */
  credential_id: string;
  /** base64url of the COSE public key */
  public_key: string;
  counter: number;
  transports: string[];
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}

export interface AccountWebauthnChallengesTable {
  session_id_hash: string;
  ceremony: 'register' | 'authenticate';
  challenge: string;
  expires_at: Date;
}

/** A provider account (issuer + subject) linked to a Casedesk account (db/migrations/0008_external_identities.sql). */
export interface AccountExternalIdentitiesTable {
  issuer: string;
  subject: string;
  account_id: string;
  created_at: Date;
  last_used_at: Date;
}

/** An external sign-in on its way to the provider: state, nonce and PKCE verifier of one request, single use. */
export interface ExternalSignInRequestsTable {
  id_hash: string;
  issuer: string;
  state: string;
  nonce: string;
  code_verifier: string;
  acr_values: string;
  language: 'en' | 'es';
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  account_id: string | null;
}

export interface SurveyResponsesTable {
  id: Generated<number>;
  survey: 'exit' | 'account_created';
  rating: number | null;
  comment: string | null;
  about_form: string | null;
  about_page: string | null;
  language: 'en' | 'es';
  created_at: Date;
}

export interface Tables {
  survey_responses: SurveyResponsesTable;
  staff_roles: StaffRolesTable;
  staff_invitations: StaffInvitationsTable;
  staff_members: StaffMembersTable;
  service_items: ServiceItemsTable;
  service_item_events: ServiceItemEventsTable;
  service_queues: ServiceQueuesTable;
  routing_rules: RoutingRulesTable;
  service_item_sla_pauses: ServiceItemSlaPausesTable;
  inquiry_dates: InquiryDatesTable;
  caller_verifications: CallerVerificationsTable;
  e_request_case_failures: ERequestCaseFailuresTable;
  form_submissions: FormSubmissionsTable;
  account_recoveries: AccountRecoveriesTable;
  sign_in_address_failures: SignInAddressFailuresTable;
  sign_in_email_failures: SignInEmailFailuresTable;
  accounts: AccountsTable;
  account_tokens: AccountTokensTable;
  account_totp: AccountTotpTable;
  account_backup_codes: AccountBackupCodesTable;
  account_sessions: AccountSessionsTable;
  account_security_events: AccountSecurityEventsTable;
  account_external_identities: AccountExternalIdentitiesTable;
  external_sign_in_requests: ExternalSignInRequestsTable;
  representative_profiles: RepresentativeProfilesTable;
  account_phones: AccountPhonesTable;
  account_email_otp: AccountEmailOtpTable;
  account_one_time_codes: AccountOneTimeCodesTable;
  account_passkeys: AccountPasskeysTable;
  account_webauthn_challenges: AccountWebauthnChallengesTable;
  audit_log: AuditLogTable;
  cases: CasesTable;
  case_status_history: CaseStatusHistoryTable;
  case_events: CaseEventsTable;
  case_events_pending: CaseEventsPendingTable;
  case_applicants: CaseApplicantsTable;
  online_access_codes: OnlineAccessCodesTable;
  account_cases: AccountCasesTable;
  case_subscriptions: CaseSubscriptionsTable;
  sms_opt_outs: SmsOptOutsTable;
  case_documents: CaseDocumentsTable;
  mail_batches: MailBatchesTable;
  mail_items: MailItemsTable;
  case_submissions: CaseSubmissionsTable;
  case_files: CaseFilesTable;
  api_clients: ApiClientsTable;
  api_access_tokens: ApiAccessTokensTable;
  notification_messages: NotificationMessagesTable;
  notification_status_events: NotificationStatusEventsTable;
  knowledge_articles: KnowledgeArticlesTable;
  knowledge_article_versions: KnowledgeArticleVersionsTable;
  quality_reviews: QualityReviewsTable;
  article_fix_tasks: ArticleFixTasksTable;
}

export type CaseRow = Selectable<CasesTable>;
export type NewCase = Insertable<CasesTable>;
export type NotificationMessage = Selectable<NotificationMessagesTable>;
export type AccountRow = Selectable<AccountsTable>;
export type SessionRow = Selectable<AccountSessionsTable>;
export type RepresentativeProfileRow = Selectable<RepresentativeProfilesTable>;
export type AccountPhoneRow = Selectable<AccountPhonesTable>;
export type AccountPasskeyRow = Selectable<AccountPasskeysTable>;

// Service items (db/migrations/0011_service_items_help_desk.sql)
export type ServiceItemChannel = 'technical_help_form' | 'phone' | 'chat' | 'e_request' | 'secure_message' | 'appointment_request' | 'voice_assistant';
export type ServiceItemStatus = 'open' | 'in_progress' | 'waiting_on_customer' | 'escalated' | 'resolved' | 'closed';

export interface ServiceItemsTable {
  id: string;
  number: Generated<number>;
  channel: ServiceItemChannel;
  type: string;
  queue: string;
  status: ServiceItemStatus;
  account_id: string | null;
  contact_name: string;
  contact_email: string;
  contact_phone: string | null;
  language: 'en' | 'es';
  urgent: Generated<boolean>;
  subject: string;
  description: string;
  owner_id: string | null;
  created_at: Date;
  due_at: Date;
  resolved_at: Date | null;
  resolution: string | null;
  // Contact Center (db/migrations/0023_contact_center.sql)
  case_id: number | null;
  receipt_number: string | null;
  section_1367: Generated<boolean>;
  priority: Generated<1 | 2>;
  office_code: string | null;
  sla_policy: SlaPolicyName | null;
  sla_started_at: Date | null;
  sla_paused_at: Date | null;
  breached_at: Date | null;
  escalated_at: Date | null;
  first_response_at: Date | null;
  claimed_at: Date | null;
  follow_up_level: Generated<'primary' | 'secondary' | 'tertiary'>;
  parent_item_id: string | null;
  details: Generated<unknown>;
}

export type SlaPolicyName = 'urgent' | 'non_urgent' | 'office_service_request';
export type QueueKind = 'tier1' | 'tier2' | 'tier3' | 'help_desk' | 'office';

export interface ServiceQueuesTable {
  code: string;
  kind: QueueKind;
  office_code: string | null;
  name_en: string;
  name_es: string;
  holds_1367: boolean;
}

export interface RoutingRulesTable {
  position: number;
  section_1367: boolean | null;
  channel: string | null;
  type: string | null;
  urgent: boolean | null;
  target: QueueKind;
  sla_policy: SlaPolicyName | null;
  note: string;
}

export interface ServiceItemSlaPausesTable {
  id: Generated<number>;
  item_id: string;
  paused_at: Date;
  paused_by: string | null;
  reason: string;
  resumed_at: Date | null;
  resumed_by: string | null;
}

export interface InquiryDatesTable {
  form_code: string;
  office_code: string;
  inquiry_date: string;
  updated_at: Date;
  updated_by: string | null;
}

/** One-time form tokens already used, with what their post created (migration 0034, platform/submissions.ts). */
export interface FormSubmissionsTable {
  token: string;
  form: string;
  result: string;
  created_at: Date;
}

export interface ERequestCaseFailuresTable {
  id: Generated<number>;
  receipt_number: string;
  failed_at: Date;
  /** The requester: the client's network address and a hash of the email given (migration 0032). */
  requester_ip: string;
  requester_email_hash: string;
}

export interface CallerVerificationsTable {
  id: string;
  seq: Generated<number>;
  item_id: string;
  agent_id: string;
  case_id: number | null;
  caller_role: 'applicant' | 'representative' | 'interpreter_with_applicant';
  questions: unknown;
  outcome: 'verified' | 'failed';
  created_at: Date;
}

export interface ServiceItemEventsTable {
  id: Generated<number>;
  item_id: string;
  kind: string;
  actor_id: string | null;
  occurred_at: Date;
  body: string | null;
  customer_visible: Generated<boolean>;
  details: Json;
}

export interface SignInAddressFailuresTable {
  id: Generated<number>;
  ip: string;
  occurred_at: Date;
}

/** A failed sign-in for a normalised email, known or not (migration 0032): a hash, not a reference to accounts. */
export interface SignInEmailFailuresTable {
  id: Generated<number>;
  email_hash: string;
  occurred_at: Date;
}

export interface AccountRecoveriesTable {
  id: string;
  account_id: string;
  started_by: string;
  identity_checks: string;
  deliver_to: string;
  service_item_id: string | null;
  created_at: Date;
  ready_at: Date;
  cancel_token_hash: string;
  cancelled_at: Date | null;
  cancelled_by: string | null;
  link_token_hash: string | null;
  link_sent_at: Date | null;
  link_expires_at: Date | null;
  completed_at: Date | null;
}

// Cases in the online account (db/migrations/0015_account_cases.sql)
export interface CaseApplicantsTable {
  case_id: number;
  /** I-134 / I-134A beneficiaries: where their Online Access Code is emailed (0018). */
  email: ColumnType<string | null, string | null | undefined, string | null>;
  date_of_birth: string | null;
  family_name: string | null;
  a_number: string | null;
  zip: string | null;
}

export interface OnlineAccessCodesTable {
  code_hash: string;
  case_id: number;
  issued_at: Date;
  expires_at: Date;
  used_at: Date | null;
  used_by: string | null;
  event_id: string | null;
}

export type CaseLinkVia = 'online_filing' | 'online_access_code' | 'receipt_number';

export interface AccountCasesTable {
  account_id: string;
  case_id: number;
  relationship: 'applicant' | 'representative';
  added_via: CaseLinkVia;
  added_at: Date;
  /** A receipt-number link of a case that became Section 1367 protected, until the agency confirms the holder (0029). */
  suspended_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  confirmed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  confirmed_by: ColumnType<string | null, string | null | undefined, string | null>;
}

// Case status notifications without an account (db/migrations/0016_case_subscriptions.sql)
export interface CaseSubscriptionsTable {
  id: string;
  receipt_number: string;
  channel: 'email' | 'sms';
  address: string;
  language: 'en' | 'es';
  created_at: Date;
  confirm_token_hash: string | null;
  confirm_expires_at: Date | null;
  confirmed_at: Date | null;
  unsubscribe_token: string;
  cancelled_at: Date | null;
}

export interface SmsOptOutsTable {
  phone: string;
  opted_out_at: Date;
}

// Notices and print-and-mail (db/migrations/0018_notices_and_mail.sql, 0019_notice_kinds.sql, 0021_agency_documents.sql)
export type NoticeKind = 'account_acceptance_notice' | 'receipt_notice' | 'biometrics_notice' | 'rfe_notice' | 'interview_notice' | 'approval_notice' | 'denial_notice';
export type DocumentKind = NoticeKind | 'agency_document';
export type DocumentContentType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/tiff';
export interface CaseDocumentsTable {
  id: string;
  case_id: number;
  kind: DocumentKind;
  language: 'en' | 'es';
  storage_key: string;
  byte_size: number;
  created_at: Date;
  content_type: Generated<DocumentContentType>;
  /** Agency documents: the officer's title and the cleaned file name. */
  title: string | null;
  file_name: string | null;
  shared_with_holder: Generated<boolean>;
  created_by: string | null;
  /** The `notice_issued` event a notice was rendered for. */
  event_id: string | null;
}

export interface MailBatchesTable {
  id: string;
  closed_at: Date;
  item_count: number;
}

export interface MailItemsTable {
  id: string;
  document_id: string;
  case_id: number;
  created_at: Date;
  expected_by: Date;
  batch_id: string | null;
}

// Evidence and RFE responses (db/migrations/0020_evidence.sql)
export interface CaseSubmissionsTable {
  id: string;
  case_id: number;
  account_id: string;
  kind: 'evidence' | 'rfe_response';
  rfe_sent_at: Date | null;
  created_at: Date;
}

export type FileState = 'uploaded' | 'checking' | 'accepted' | 'rejected';

export interface CaseFilesTable {
  id: string;
  submission_id: string;
  file_name: string;
  content_type: string | null;
  byte_size: number;
  storage_key: string | null;
  state: FileState;
  reason: string | null;
  created_at: Date;
  checked_at: Date | null;
}

// Knowledge articles (db/migrations/0022_knowledge_articles.sql)
export type KnowledgeAudience = 'public' | 'agents';

export interface KnowledgeArticlesTable {
  id: string;
  slug: string;
  audience: KnowledgeAudience;
  current_version: number;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
}

export interface KnowledgeArticleVersionsTable {
  id: string;
  article_id: string;
  version: number;
  audience: KnowledgeAudience;
  title_en: string;
  body_en: string;
  title_es: string;
  body_es: string;
  tags: ColumnType<string[], string[] | undefined, never>;
  author_id: string | null;
  change_note: string;
  created_at: Date;
  /**
   * Generated full-text vectors (english and spanish configurations over accent-folded text); read only. A generated
   * column has no NOT NULL, so the database calls them nullable.
   */
  search_en: ColumnType<string | null, never, never>;
  search_es: ColumnType<string | null, never, never>;
}

// Quality review (db/migrations/0024_quality_reviews.sql)
export interface QualityReviewsTable {
  id: string;
  item_id: string;
  reviewer_id: string;
  agent_id: string | null;
  created_at: Date;
  scores: Json;
  /** numeric(5,2): arrives as a string. */
  total: ColumnType<string, number | string, number | string>;
  wrong_answer: Generated<boolean>;
  article_version_id: string | null;
  comment: Generated<string>;
}

export type ArticleFixTaskStatus = 'open' | 'done' | 'dismissed';

export interface ArticleFixTasksTable {
  id: string;
  review_id: string;
  article_id: string;
  flagged_version_id: string;
  created_at: Date;
  status: ArticleFixTaskStatus;
  closed_at: Date | null;
  closed_by: string | null;
  fixed_version_id: string | null;
  note: string | null;
  opened_at_version: number;
}
