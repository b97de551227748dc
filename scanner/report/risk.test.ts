/** The risk score: its parts, levels, retention rules and their overrides. */
import { describe, expect, it } from 'vitest';
import type { Category, Finding } from '../../detectors/types.js';
import type { Access } from '../model.js';
import { DEFAULT_RETENTION_RULES, levelAtLeast, levelFor, overrideRetention, parseDuration, retentionOverdue, scoreRisk } from './risk.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

function findings(type: string, category: Category, distinct: number, repeat = 1): Finding[] {
  const list: Finding[] = [];
  for (let i = 0; i < distinct; i++) {
    for (let r = 0; r < repeat; r++) {
      list.push({ type, category, confidence: 0.9, masked: '***', hash: i.toString(16).padStart(64, '0'), where: { line: i + 1 } });
    }
  }
  return list;
}

const privateAccess: Access = { entries: [], broad: false, reasons: [] };
const worldReadable: Access = { entries: [], broad: true, reasons: ['world-readable'] };

describe('scoreRisk', () => {
  it('ranks sensitivity: special > national identifiers > financial > identity > contact', () => {
    const order: Category[] = ['special', 'national-id', 'financial', 'identity', 'contact'];
    const scores = order.map((c) => scoreRisk(findings('x', c, 1), privateAccess, null, {}, { now: NOW }).score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(new Set(scores).size).toBe(scores.length);
  });

  it('counts distinct values, not repeated ones, for volume', () => {
    const once = scoreRisk(findings('email', 'contact', 3), privateAccess, null, {}, { now: NOW });
    const repeated = scoreRisk(findings('email', 'contact', 3, 10), privateAccess, null, {}, { now: NOW });
    const more = scoreRisk(findings('email', 'contact', 300), privateAccess, null, {}, { now: NOW });
    expect(repeated.score).toBe(once.score);
    expect(more.score).toBeGreaterThan(once.score);
    expect(more.reasons).toContain('300 distinct values');
  });

  it('a world-readable HR sheet with BSNs outranks a private note with one e-mail', () => {
    const sheet = scoreRisk(findings('nl-bsn', 'national-id', 100), worldReadable, null, { path: 'HR/medewerkers.xlsx', modified: daysAgo(30) }, { now: NOW });
    const note = scoreRisk(findings('email', 'contact', 1), privateAccess, null, { path: 'notes/todo.txt', modified: daysAgo(30) }, { now: NOW });
    expect(sheet.score).toBeGreaterThan(note.score);
    expect(sheet.level).toBe('critical');
    expect(note.level).toBe('low');
    expect(sheet.reasons).toContain('broad access: world-readable');
  });

  it('adds points for old data', () => {
    const fresh = scoreRisk(findings('email', 'contact', 2), privateAccess, null, { modified: daysAgo(10) }, { now: NOW });
    const old = scoreRisk(findings('email', 'contact', 2), privateAccess, null, { modified: daysAgo(3 * 365) }, { now: NOW });
    expect(old.score).toBeGreaterThan(fresh.score);
    expect(old.reasons).toContain('not modified for 3 years');
  });

  it('flags retention-overdue for financial records older than 7 years, not younger', () => {
    const iban = findings('iban', 'financial', 2);
    const old = scoreRisk(iban, privateAccess, null, { path: 'boekhouding/2015.csv', modified: daysAgo(8 * 365) }, { now: NOW });
    const young = scoreRisk(iban, privateAccess, null, { path: 'boekhouding/2022.csv', modified: daysAgo(4 * 365) }, { now: NOW });
    expect(old.reasons.some((r) => r.startsWith('retention-overdue: financial-records'))).toBe(true);
    expect(old.retention).toMatchObject({ rule: 'financial-records', maxAgeDays: 7 * 365 });
    expect(young.reasons.some((r) => r.startsWith('retention-overdue'))).toBe(false);
    expect(young.retention).toBeUndefined();
  });

  it("flags job applicants' data after 4 weeks by path, whatever its category", () => {
    const mail = findings('email', 'contact', 1);
    const facts = (path: string, days: number) => ({ path, modified: daysAgo(days) });
    expect(retentionOverdue(new Set(['contact']), facts('HR/Sollicitaties/2026/cv-jansen.pdf', 40), { now: NOW })?.rule).toBe('job-applicants');
    expect(retentionOverdue(new Set(['contact']), facts('HR/Sollicitaties/2026/cv-jansen.pdf', 20), { now: NOW })).toBeUndefined();
    expect(retentionOverdue(new Set(['contact']), facts('HR/contracten/jansen.pdf', 400), { now: NOW })).toBeUndefined();
    const r = scoreRisk(mail, privateAccess, null, facts('werving/brief.txt', 60), { now: NOW });
    expect(r.reasons.at(-1)).toMatch(/^retention-overdue: job-applicants \(kept 4 weeks, this is 2 months old\)$/);
  });

  it('does not score items without findings, but says when they could not be read', () => {
    expect(scoreRisk([], worldReadable, null)).toEqual({ score: 0, level: 'none', reasons: [] });
    const r = scoreRisk([], privateAccess, { code: 'encrypted', message: 'x' });
    expect(r.level).toBe('none');
    expect(r.reasons[0]).toContain('encrypted');
  });
});

describe('levels and retention settings', () => {
  it('maps scores to levels and compares levels', () => {
    expect([0, 1, 29, 30, 49, 50, 74, 75, 100].map(levelFor)).toEqual(['none', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
    expect(levelAtLeast('critical', 'high')).toBe(true);
    expect(levelAtLeast('medium', 'high')).toBe(false);
  });

  it('parses durations and overrides rules by id', () => {
    expect(parseDuration('28d')).toBe(28);
    expect(parseDuration('4w')).toBe(28);
    expect(parseDuration('7y')).toBe(2555);
    expect(() => parseDuration('7 years')).toThrow(/not a duration/);
    const rules = overrideRetention(DEFAULT_RETENTION_RULES, ['financial-records=10y', 'job-applicants=off']);
    expect(rules.find((r) => r.id === 'financial-records')?.maxAgeDays).toBe(3650);
    expect(rules.some((r) => r.id === 'job-applicants')).toBe(false);
    expect(() => overrideRetention(DEFAULT_RETENTION_RULES, ['fiscal=7y'])).toThrow(/no retention rule "fiscal"/);
    const old = { path: 'boekhouding/2015.csv', modified: daysAgo(8 * 365) };
    expect(retentionOverdue(new Set(['financial']), old, { now: NOW, retention: rules })).toBeUndefined();
  });
});

describe('special-category terms', () => {
  it('do not make an item sensitive when nobody in it is identified', () => {
    const term = { type: 'special-health', category: 'special' as const, confidence: 0.55, masked: 'z***', hash: 'a'.repeat(64), where: { line: 1 } };
    expect(scoreRisk([term], undefined, null).level).toBe('none');
    const identified = { ...term, confidence: 0.9 };
    const email = { type: 'email', category: 'contact' as const, confidence: 0.9, masked: 'j***@example.nl', hash: 'b'.repeat(64), where: { line: 2 } };
    expect(scoreRisk([identified, email], undefined, null).reasons[0]).toBe('holds special data');
  });
});

describe('identity-document copies', () => {
  it('score higher than the same number in a list, and fall under id-copies whatever the file is called', () => {
    const copy = findings('identity-document', 'national-id', 1);
    const risk = scoreRisk(copy, privateAccess, null, { path: 'scans/IMG_0042.jpg', modified: daysAgo(6 * 365) }, { now: NOW });
    const plain = scoreRisk(
      findings('nl-bsn', 'national-id', 1),
      privateAccess,
      null,
      { path: 'scans/IMG_0042.jpg', modified: daysAgo(6 * 365) },
      { now: NOW },
    );
    expect(risk.reasons).toContain('copy of an identity document');
    expect(risk.retention?.rule).toBe('id-copies');
    expect(plain.retention).toBeUndefined();
    expect(risk.score).toBe(plain.score + 20);
  });

  it('within the five years of id-copies is not overdue', () => {
    const risk = scoreRisk(findings('identity-document', 'national-id', 1), privateAccess, null, { path: 'x.png', modified: daysAgo(4 * 365) }, { now: NOW });
    expect(risk.retention).toBeUndefined();
    expect(risk.reasons).toContain('copy of an identity document');
  });
});
