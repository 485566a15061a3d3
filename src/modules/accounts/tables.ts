import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Json } from '../../platform/db/tables.js';

/** The tables of the `accounts` module and their row types, declared here, once; added to `Tables` below. */

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

export type AccountRow = Selectable<AccountsTable>;

export type SessionRow = Selectable<AccountSessionsTable>;

export type RepresentativeProfileRow = Selectable<RepresentativeProfilesTable>;

export type AccountPhoneRow = Selectable<AccountPhonesTable>;

export type AccountPasskeyRow = Selectable<AccountPasskeysTable>;

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

declare module '../../platform/db/tables.js' {
  interface Tables {
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
  }
}
