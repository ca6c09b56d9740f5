import { describe, expect, it } from 'vitest';
import { LOOPBACK_HOSTS, hostAllowed, hostnameOf, originAllowed } from './guards';

describe('hostnameOf', () => {
  it('strips the port and lowercases', () => {
    expect(hostnameOf('LocalHost:3000')).toBe('localhost');
    expect(hostnameOf('127.0.0.1:8080')).toBe('127.0.0.1');
    expect(hostnameOf('example.com')).toBe('example.com');
  });

  it('keeps IPv6 literals with their brackets and drops the port', () => {
    expect(hostnameOf('[::1]:3000')).toBe('[::1]');
    expect(hostnameOf('[::1]')).toBe('[::1]');
    expect(hostnameOf('[2001:DB8::1]:443')).toBe('[2001:db8::1]');
  });
});

describe('hostAllowed (SEC-01, DNS rebinding)', () => {
  it('defaults to the loopback names', () => {
    expect([...LOOPBACK_HOSTS]).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });

  it('allows loopback names on any port', () => {
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1', '127.0.0.1:65535', '[::1]', '[::1]:3000', 'LOCALHOST:80']) {
      expect(hostAllowed(host, LOOPBACK_HOSTS)).toBe(true);
    }
  });

  it('refuses rebinding names that merely start or end like localhost', () => {
    for (const host of ['localhost.evil.com', 'localhost.evil.com:3000', 'evil.com', 'evillocalhost', '127.0.0.1.nip.io', '[::2]:3000', '::1']) {
      expect(hostAllowed(host, LOOPBACK_HOSTS)).toBe(false);
    }
  });

  it('matches an exact host:port entry only on that port', () => {
    const list = ['example.com:8080'];
    expect(hostAllowed('example.com:8080', list)).toBe(true);
    expect(hostAllowed('example.com:9090', list)).toBe(false);
    expect(hostAllowed('example.com', list)).toBe(false);
  });

  it('matches a bare hostname entry on any port', () => {
    expect(hostAllowed('api.example.com:443', ['api.example.com'])).toBe(true);
    expect(hostAllowed('other.example.com', ['api.example.com'])).toBe(false);
  });

  it("lets everything through with '*'", () => {
    expect(hostAllowed('evil.com', '*')).toBe(true);
    expect(hostAllowed('', '*')).toBe(true);
  });

  it('refuses everything with an empty list', () => {
    expect(hostAllowed('localhost', [])).toBe(false);
  });

  it('answers each host and list on its own when they alternate (regression: the last answer is kept per host and list)', () => {
    const other = ['example.com'];
    for (let i = 0; i < 3; i++) {
      expect(hostAllowed('localhost:3000', LOOPBACK_HOSTS)).toBe(true);
      expect(hostAllowed('localhost:3000', other)).toBe(false);
      expect(hostAllowed('example.com', other)).toBe(true);
      expect(hostAllowed('example.com', LOOPBACK_HOSTS)).toBe(false);
      expect(hostAllowed('example.com', '*')).toBe(true);
      expect(hostAllowed('example.com', other)).toBe(true);
    }
  });
});

describe('originAllowed (SEC-01, MH-06)', () => {
  it('allows loopback origins with any scheme and port', () => {
    for (const origin of ['http://localhost', 'http://localhost:3000', 'https://127.0.0.1:8443', 'http://[::1]:3000', 'HTTP://LOCALHOST:5173']) {
      expect(originAllowed(origin, LOOPBACK_HOSTS)).toBe(true);
    }
  });

  it('refuses localhost.evil.com and other foreign origins', () => {
    for (const origin of ['http://localhost.evil.com', 'https://localhost.evil.com:3000', 'https://evil.com', 'http://[::2]:3000']) {
      expect(originAllowed(origin, LOOPBACK_HOSTS)).toBe(false);
    }
  });

  it('refuses the "null" origin (sandboxed iframes, file: pages)', () => {
    expect(originAllowed('null', LOOPBACK_HOSTS)).toBe(false);
    expect(originAllowed('null', ['null'])).toBe(false);
  });

  it('refuses malformed origins: no scheme, a path, an empty host', () => {
    expect(originAllowed('localhost', LOOPBACK_HOSTS)).toBe(false);
    expect(originAllowed('http://localhost/path', LOOPBACK_HOSTS)).toBe(false);
    expect(originAllowed('http://localhost/', LOOPBACK_HOSTS)).toBe(false);
    expect(originAllowed('http://', LOOPBACK_HOSTS)).toBe(false);
  });

  it('matches a full-origin entry on scheme, host and port exactly', () => {
    const list = ['https://app.example.com'];
    expect(originAllowed('https://app.example.com', list)).toBe(true);
    expect(originAllowed('https://APP.example.com', list)).toBe(true);
    expect(originAllowed('http://app.example.com', list)).toBe(false);
    expect(originAllowed('https://app.example.com:8443', list)).toBe(false);
  });

  it('matches a hostname entry on any scheme and port', () => {
    expect(originAllowed('https://app.example.com:8443', ['app.example.com'])).toBe(true);
  });

  it("lets every origin through with '*', the null origin included", () => {
    expect(originAllowed('null', '*')).toBe(true);
    expect(originAllowed('https://evil.com', '*')).toBe(true);
  });
});

describe('originAllowed rejects userinfo tricks', () => {
  it('refuses an origin with userinfo that would read as localhost before the @', () => {
    expect(originAllowed('http://localhost:3000@evil.com', LOOPBACK_HOSTS)).toBe(false);
  });
});
