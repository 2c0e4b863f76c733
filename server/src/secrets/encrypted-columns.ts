/**
 * Every column holding key-ring ciphertext, with the encryption context each row's value is bound to.
 * `portico secrets re-encrypt` walks this list; a new encrypted column must be added here.
 */
export interface EncryptedColumn {
  table: string;
  column: string;
  /** Extra condition on rows whose column is ciphertext (e.g. only TOTP credentials). */
  where?: string;
  context: (rowId: string) => string;
}

export const ENCRYPTED_COLUMNS: EncryptedColumn[] = [
  { table: 'applications', column: 'client_secret_encrypted', context: (id) => `client_secret:${id}` },
  { table: 'credentials', column: 'secret', where: `type = 'totp'`, context: (id) => `totp:${id}` },
  { table: 'connections', column: 'secret_encrypted', context: (id) => `connection_secret:${id}` },
  { table: 'webhooks', column: 'secret_encrypted', context: (id) => `webhook_secret:${id}` },
  { table: 'sms_providers', column: 'secret_encrypted', context: (id) => `sms_provider_secret:${id}` },
  { table: 'signing_keys', column: 'private_jwk_encrypted', context: (id) => `signing_key:${id}` },
];
