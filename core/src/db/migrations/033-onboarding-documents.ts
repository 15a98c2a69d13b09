import { Knex } from 'knex';

/**
 * `onboarding_documents`: the files a merchant uploads for its bank's contract
 * (issue 18). The content is sealed (AES-256-GCM under a key derived from the master
 * key, the document id and merchant as associated data) and kept in the row, so a
 * backup of the database is a backup of the documents and nothing lands on disk in
 * clear. The file name is the sanitised one shown back; the type is the one the
 * magic bytes proved, never the one the browser claimed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('onboarding_documents', (t) => {
    t.string('id', 40).primary();
    t.string('merchant_id', 40).notNullable();
    t.string('requirement', 64).notNullable();
    t.string('file_name', 120).notNullable();
    t.string('content_type', 40).notNullable();
    t.integer('size').notNullable();
    t.string('key_version', 40).notNullable();
    t.specificType('sealed', knex.client.config.client === 'mysql2' ? 'mediumblob' : 'blob').notNullable();
    t.string('uploaded_by', 100).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['merchant_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('onboarding_documents');
}
