/**
 * The PostgreSQL and Redis the distributed-mode tests run against: the machine's own servers
 * (INZAGE_TEST_PG_URL, INZAGE_TEST_REDIS_URL; local defaults), with a database and a queue prefix
 * of each test's own, so test files running in parallel never see each other's rows or jobs.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.INZAGE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.INZAGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A new, empty database; `drop` removes it (and ends whatever connections are still open to it). */
export async function freshDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `inzage_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A queue prefix no other test uses. */
export function freshQueuePrefix(label: string): string {
  return `inzage-test-${label}-${randomBytes(4).toString('hex')}`;
}
