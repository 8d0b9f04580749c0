import { TestServiceUnavailableError } from './errors';
import { databaseUrl, resolvePostgresAdminUrl, testDatabaseCreatedAt, testDatabaseName } from './postgres';

describe(resolvePostgresAdminUrl.name, () => {
  const noContainer = () => Promise.reject(new Error('must not start a container'));

  it('uses DATABASE_URL as the admin connection without probing for Docker', async () => {
    const dockerAvailable = jest.fn(() => Promise.resolve(true));

    const sut = await resolvePostgresAdminUrl({
      env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' },
      dockerAvailable,
      startContainer: noContainer,
    });

    expect(sut.href).toBe('postgres://postgres@127.0.0.1:5432/postgres');
    expect(dockerAvailable).not.toHaveBeenCalled();
  });

  it('starts a container when DATABASE_URL is unset and Docker is reachable', async () => {
    const sut = await resolvePostgresAdminUrl({
      env: {},
      dockerAvailable: () => Promise.resolve(true),
      startContainer: () => Promise.resolve('postgres://test:test@localhost:32769/test'),
    });

    expect(sut.port).toBe('32769');
  });

  it('explains how to get PostgreSQL when neither is available', async () => {
    const attempt = resolvePostgresAdminUrl({
      env: {},
      dockerAvailable: () => Promise.resolve(false),
      startContainer: noContainer,
    });

    await expect(attempt).rejects.toThrow(TestServiceUnavailableError);
    await expect(attempt).rejects.toThrow(/DATABASE_URL=postgres:\/\/postgres@127\.0\.0\.1:5432\/postgres.*npm test/);
  });
});

describe(databaseUrl.name, () => {
  it('keeps server, credentials and options, and replaces the database', () => {
    const admin = new URL('postgresql://app:s%40cret@db.local:6543/postgres?sslmode=disable');

    expect(databaseUrl(admin, 'pw_test_1_ab')).toBe(
      'postgresql://app:s%40cret@db.local:6543/pw_test_1_ab?sslmode=disable',
    );
  });
});

describe(testDatabaseName.name, () => {
  it('is unique, a valid unquoted identifier, and tells when it was created', () => {
    const now = Date.UTC(2025, 0, 2);

    const names = new Set(Array.from({ length: 50 }, () => testDatabaseName(now)));

    expect(names.size).toBe(50);
    for (const name of names) {
      expect(name).toMatch(/^[a-z_][a-z0-9_]{0,62}$/);
      expect(testDatabaseCreatedAt(name)).toBe(now);
    }
  });

  it('leaves databases that are not ours alone', () => {
    expect(testDatabaseCreatedAt('postgres')).toBeUndefined();
    expect(testDatabaseCreatedAt('pw_test_notatime_ab')).toBeUndefined();
  });
});
