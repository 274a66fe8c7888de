import { HeaderRole, headerRoleOf, lowercaseHeaderName } from './header-role';

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
  });

  it('passes everything else through', () => {
    for (const name of ['Content-Type', 'ETag', 'x-custom', '__proto__', 'constructor']) {
      expect(headerRoleOf(name)).toBe(HeaderRole.Pass);
    }
  });

  it('lower-cases names, from the table or by fallback', () => {
    expect(lowercaseHeaderName('Content-Type')).toBe('content-type');
    expect(lowercaseHeaderName('WWW-Authenticate')).toBe('www-authenticate');
    expect(lowercaseHeaderName('X-Foo')).toBe('x-foo');
    expect(lowercaseHeaderName('toString')).toBe('tostring');
  });
});
