import { HeaderRole, headerRoleOf } from './header-role';

describe('header roles', () => {
  it.each([
    'keep-alive',
    'proxy-connection',
    'proxy-authenticate',
    'proxy-authorization',
    'trailer',
    'transfer-encoding',
    'upgrade',
  ])('classifies %s as hop-by-hop in any case', (name) => {
    expect(headerRoleOf(name)).toBe(HeaderRole.HopByHop);
    expect(headerRoleOf(name.toUpperCase())).toBe(HeaderRole.HopByHop);
    expect(headerRoleOf(name.replace(/^./, (c) => c.toUpperCase()))).toBe(HeaderRole.HopByHop);
  });

  it('classifies the fields the proxy rewrites', () => {
    expect(headerRoleOf('Connection')).toBe(HeaderRole.Connection);
    expect(headerRoleOf('tE')).toBe(HeaderRole.Te);
    expect(headerRoleOf('Host')).toBe(HeaderRole.Host);
    expect(headerRoleOf('X-Forwarded-For')).toBe(HeaderRole.ForwardedFor);
    expect(headerRoleOf('x-forwarded-PROTO')).toBe(HeaderRole.ForwardedProto);
    expect(headerRoleOf('X-FORWARDED-HOST')).toBe(HeaderRole.ForwardedHost);
    expect(headerRoleOf('X-Request-ID')).toBe(HeaderRole.RequestId);
    expect(headerRoleOf('Expect')).toBe(HeaderRole.Expect);
    expect(headerRoleOf('FORWARDED')).toBe(HeaderRole.Forwarded);
  });

  it('passes everything else through, near misses and names of other lengths included', () => {
    for (const name of [
      'Content-Type',
      'ETag',
      'x-custom',
      '__proto__',
      'constructor',
      'keep_alive',
      'Keep-Alivf',
      'x-forwarded-fo',
      'x-forwarded-forx',
      '\u212aeep-alive',
      '',
      'a'.repeat(100),
    ]) {
      expect(headerRoleOf(name)).toBe(HeaderRole.Pass);
    }
  });
});
