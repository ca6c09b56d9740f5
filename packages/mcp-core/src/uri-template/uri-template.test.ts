import { describe, expect, it } from 'vitest';
import { MAX_TEMPLATE_LENGTH, MAX_URI_LENGTH, UriTemplate, UriTemplateError } from './index';
import type { UriTemplateValues } from './index';

// The variables of RFC 6570 section 3.2.
const rfcValues: UriTemplateValues = {
  count: ['one', 'two', 'three'],
  dom: ['example', 'com'],
  dub: 'me/too',
  hello: 'Hello World!',
  half: '50%',
  var: 'value',
  who: 'fred',
  base: 'http://example.com/home/',
  path: '/foo/bar',
  list: ['red', 'green', 'blue'],
  keys: { semi: ';', dot: '.', comma: ',' },
  v: '6',
  x: '1024',
  y: '768',
  empty: '',
  empty_keys: {},
  undef: undefined,
};

const expandCases: Record<string, Array<[string, string]>> = {
  '3.2.1 variable expansion': [
    ['{count}', 'one,two,three'],
    ['{count*}', 'one,two,three'],
    ['{/count}', '/one,two,three'],
    ['{/count*}', '/one/two/three'],
    ['{;count}', ';count=one,two,three'],
    ['{;count*}', ';count=one;count=two;count=three'],
    ['{?count}', '?count=one,two,three'],
    ['{?count*}', '?count=one&count=two&count=three'],
    ['{&count*}', '&count=one&count=two&count=three'],
  ],
  '3.2.2 simple string expansion': [
    ['{var}', 'value'],
    ['{hello}', 'Hello%20World%21'],
    ['{half}', '50%25'],
    ['O{empty}X', 'OX'],
    ['O{undef}X', 'OX'],
    ['{x,y}', '1024,768'],
    ['{x,hello,y}', '1024,Hello%20World%21,768'],
    ['?{x,empty}', '?1024,'],
    ['?{x,undef}', '?1024'],
    ['?{undef,y}', '?768'],
    ['{var:3}', 'val'],
    ['{var:30}', 'value'],
    ['{list}', 'red,green,blue'],
    ['{list*}', 'red,green,blue'],
    ['{keys}', 'semi,%3B,dot,.,comma,%2C'],
    ['{keys*}', 'semi=%3B,dot=.,comma=%2C'],
  ],
  '3.2.3 reserved expansion': [
    ['{+var}', 'value'],
    ['{+hello}', 'Hello%20World!'],
    ['{+half}', '50%25'],
    ['{base}index', 'http%3A%2F%2Fexample.com%2Fhome%2Findex'],
    ['{+base}index', 'http://example.com/home/index'],
    ['O{+empty}X', 'OX'],
    ['O{+undef}X', 'OX'],
    ['{+path}/here', '/foo/bar/here'],
    ['here?ref={+path}', 'here?ref=/foo/bar'],
    ['up{+path}{var}/here', 'up/foo/barvalue/here'],
    ['{+x,hello,y}', '1024,Hello%20World!,768'],
    ['{+path,x}/here', '/foo/bar,1024/here'],
    ['{+path:6}/here', '/foo/b/here'],
    ['{+list}', 'red,green,blue'],
    ['{+list*}', 'red,green,blue'],
    ['{+keys}', 'semi,;,dot,.,comma,,'],
    ['{+keys*}', 'semi=;,dot=.,comma=,'],
  ],
  '3.2.4 fragment expansion': [
    ['{#var}', '#value'],
    ['{#hello}', '#Hello%20World!'],
    ['{#half}', '#50%25'],
    ['foo{#empty}', 'foo#'],
    ['foo{#undef}', 'foo'],
    ['{#x,hello,y}', '#1024,Hello%20World!,768'],
    ['{#path,x}/here', '#/foo/bar,1024/here'],
    ['{#path:6}/here', '#/foo/b/here'],
    ['{#list}', '#red,green,blue'],
    ['{#list*}', '#red,green,blue'],
    ['{#keys}', '#semi,;,dot,.,comma,,'],
    ['{#keys*}', '#semi=;,dot=.,comma=,'],
  ],
  '3.2.5 label expansion': [
    ['{.who}', '.fred'],
    ['{.who,who}', '.fred.fred'],
    ['{.half,who}', '.50%25.fred'],
    ['www{.dom*}', 'www.example.com'],
    ['X{.var}', 'X.value'],
    ['X{.empty}', 'X.'],
    ['X{.undef}', 'X'],
    ['X{.var:3}', 'X.val'],
    ['X{.list}', 'X.red,green,blue'],
    ['X{.list*}', 'X.red.green.blue'],
    ['X{.keys}', 'X.semi,%3B,dot,.,comma,%2C'],
    ['X{.keys*}', 'X.semi=%3B.dot=..comma=%2C'],
    ['X{.empty_keys}', 'X'],
    ['X{.empty_keys*}', 'X'],
  ],
  '3.2.6 path segment expansion': [
    ['{/who}', '/fred'],
    ['{/who,who}', '/fred/fred'],
    ['{/half,who}', '/50%25/fred'],
    ['{/who,dub}', '/fred/me%2Ftoo'],
    ['{/var}', '/value'],
    ['{/var,empty}', '/value/'],
    ['{/var,undef}', '/value'],
    ['{/var,x}/here', '/value/1024/here'],
    ['{/var:1,var}', '/v/value'],
    ['{/list}', '/red,green,blue'],
    ['{/list*}', '/red/green/blue'],
    ['{/list*,path:4}', '/red/green/blue/%2Ffoo'],
    ['{/keys}', '/semi,%3B,dot,.,comma,%2C'],
    ['{/keys*}', '/semi=%3B/dot=./comma=%2C'],
  ],
  '3.2.7 path-style parameter expansion': [
    ['{;who}', ';who=fred'],
    ['{;half}', ';half=50%25'],
    ['{;empty}', ';empty'],
    ['{;v,empty,who}', ';v=6;empty;who=fred'],
    ['{;v,bar,who}', ';v=6;who=fred'],
    ['{;x,y}', ';x=1024;y=768'],
    ['{;x,y,empty}', ';x=1024;y=768;empty'],
    ['{;x,y,undef}', ';x=1024;y=768'],
    ['{;hello:5}', ';hello=Hello'],
    ['{;list}', ';list=red,green,blue'],
    ['{;list*}', ';list=red;list=green;list=blue'],
    ['{;keys}', ';keys=semi,%3B,dot,.,comma,%2C'],
    ['{;keys*}', ';semi=%3B;dot=.;comma=%2C'],
  ],
  '3.2.8 form-style query expansion': [
    ['{?who}', '?who=fred'],
    ['{?half}', '?half=50%25'],
    ['{?x,y}', '?x=1024&y=768'],
    ['{?x,y,empty}', '?x=1024&y=768&empty='],
    ['{?x,y,undef}', '?x=1024&y=768'],
    ['{?var:3}', '?var=val'],
    ['{?list}', '?list=red,green,blue'],
    ['{?list*}', '?list=red&list=green&list=blue'],
    ['{?keys}', '?keys=semi,%3B,dot,.,comma,%2C'],
    ['{?keys*}', '?semi=%3B&dot=.&comma=%2C'],
  ],
  '3.2.9 form-style query continuation': [
    ['{&who}', '&who=fred'],
    ['{&half}', '&half=50%25'],
    ['?fixed=yes{&x}', '?fixed=yes&x=1024'],
    ['{&x,y,empty}', '&x=1024&y=768&empty='],
    ['{&var:3}', '&var=val'],
    ['{&list}', '&list=red,green,blue'],
    ['{&list*}', '&list=red&list=green&list=blue'],
    ['{&keys}', '&keys=semi,%3B,dot,.,comma,%2C'],
    ['{&keys*}', '&semi=%3B&dot=.&comma=%2C'],
  ],
};

describe('UriTemplate.expand (RFC 6570 section 3.2)', () => {
  for (const [section, cases] of Object.entries(expandCases)) {
    describe(section, () => {
      it.each(cases)('%s -> %s', (template, expected) => {
        expect(new UriTemplate(template).expand(rfcValues)).toBe(expected);
      });
    });
  }

  it('all undefined gives no operator prefix', () => {
    expect(new UriTemplate('a{?undef,empty_keys}b{/undef}{#undef}').expand(rfcValues)).toBe('ab');
  });

  it('encodes UTF-8 and counts prefixes in code points', () => {
    const values = { word: 'café', han: '日本', emoji: '😀😀😀', lone: '\ud800x' };
    expect(new UriTemplate('{word}').expand(values)).toBe('caf%C3%A9');
    expect(new UriTemplate('{+han}').expand(values)).toBe('%E6%97%A5%E6%9C%AC');
    expect(new UriTemplate('{emoji:2}').expand(values)).toBe('%F0%9F%98%80%F0%9F%98%80');
    expect(new UriTemplate('{han:1}').expand(values)).toBe('%E6%97%A5');
    expect(new UriTemplate('{lone}').expand(values)).toBe('%EF%BF%BDx');
  });

  it('encodes reserved characters except with + and #, where pct-triplets pass through', () => {
    const values = { v: "a/b?c#d[e]@f!$&'()*+,;=%41 %zz" };
    expect(new UriTemplate('{v}').expand(values)).toBe(
      'a%2Fb%3Fc%23d%5Be%5D%40f%21%24%26%27%28%29%2A%2B%2C%3B%3D%2541%20%25zz',
    );
    expect(new UriTemplate('{+v}').expand(values)).toBe("a/b?c#d[e]@f!$&'()*+,;=%41%20%25zz");
    expect(new UriTemplate('{#v}').expand(values)).toBe("#a/b?c#d[e]@f!$&'()*+,;=%41%20%25zz");
  });

  it('encodes literal characters that are not allowed in a URI', () => {
    expect(new UriTemplate('file:///My Docs/{name}').expand({ name: 'a b' })).toBe('file:///My%20Docs/a%20b');
  });

  it('reads only own properties and writes numbers as text', () => {
    expect(new UriTemplate('{constructor}{toString}').expand({})).toBe('');
    const values = { n: 5, b: true } as unknown as UriTemplateValues;
    expect(new UriTemplate('{?n,b}').expand(values)).toBe('?n=5&b=true');
  });

  it('rejects a prefix modifier on a composite value', () => {
    expect(() => new UriTemplate('{list:2}').expand(rfcValues)).toThrow(TypeError);
    expect(() => new UriTemplate('{keys:2}').expand(rfcValues)).toThrow(TypeError);
    expect(new UriTemplate('{empty_keys:2}').expand(rfcValues)).toBe('');
  });
});

describe('UriTemplate.variableNames', () => {
  it('lists names in order, without duplicates', () => {
    expect(new UriTemplate('users://{userId}/posts{?limit,offset}').variableNames).toEqual(['userId', 'limit', 'offset']);
    expect(new UriTemplate('{/var:1,var}{?x,var}{#y*}').variableNames).toEqual(['var', 'x', 'y']);
    expect(new UriTemplate('no-vars').variableNames).toEqual([]);
    expect(Object.isFrozen(new UriTemplate('{a}').variableNames)).toBe(true);
  });

  it('keeps the template text', () => {
    const t = new UriTemplate('file:///{+path}');
    expect(t.template).toBe('file:///{+path}');
    expect(String(t)).toBe('file:///{+path}');
  });

  it('isTemplate tells templates from plain URIs', () => {
    expect(UriTemplate.isTemplate('test://template/{id}/data')).toBe(true);
    expect(UriTemplate.isTemplate('test://static/resource')).toBe(false);
    expect(UriTemplate.isTemplate('test://{}')).toBe(false);
  });
});

describe('UriTemplate.match', () => {
  it('matches a simple variable in one segment', () => {
    const t = new UriTemplate('test://template/{id}/data');
    expect(t.match('test://template/123/data')).toEqual({ id: '123' });
    expect(t.match('test://template/1/2/data')).toBeUndefined();
    expect(t.match('test://template/123/data/')).toBeUndefined();
    expect(t.match('test://template/123/dat')).toBeUndefined();
    expect(t.match('xtest://template/123/data')).toBeUndefined();
    expect(t.match('test://template/1?2/data')).toBeUndefined();
    expect(t.match('test://template/1,2/data')).toBeUndefined();
  });

  it('percent-decodes values and rejects malformed escapes', () => {
    const t = new UriTemplate('test://template/{id}/data');
    expect(t.match('test://template/caf%C3%A9%20%2F%2C/data')).toEqual({ id: 'café /,' });
    expect(t.match('test://template/%E0%A4%A/data')).toBeUndefined();
    expect(t.match('test://template/%FF/data')).toBeUndefined();
  });

  it('escapes regex metacharacters in literals', () => {
    const t = new UriTemplate('a.b+c(d)[e]$^|*?/{x}');
    expect(t.match('a.b+c(d)[e]$%5E%7C*?/1')).toEqual({ x: '1' });
    expect(t.match('aXb+c(d)[e]$%5E%7C*?/1')).toBeUndefined();
    expect(new UriTemplate('file:///My Docs/{name}').match('file:///My%20Docs/a%20b')).toEqual({ name: 'a b' });
  });

  it('lets + and # span slashes', () => {
    expect(new UriTemplate('file:///{+path}').match('file:///a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
    expect(new UriTemplate('{+path}/here').match('/foo/bar/here')).toEqual({ path: '/foo/bar' });
    expect(new UriTemplate('repo://{owner}/{repo}/blob/{+path}').match('repo://x/y/blob/src/a%20b.ts')).toEqual({
      owner: 'x',
      repo: 'y',
      path: 'src/a b.ts',
    });
    expect(new UriTemplate('doc://x{#section}').match('doc://x#a/b')).toEqual({ section: 'a/b' });
    expect(new UriTemplate('doc://x{#section}').match('doc://x')).toEqual({});
  });

  it('matches path segments, exploded into arrays', () => {
    const t = new UriTemplate('fs://root{/a*}');
    expect(t.match('fs://root/x/y/z')).toEqual({ a: ['x', 'y', 'z'] });
    expect(t.match('fs://root/x')).toEqual({ a: ['x'] });
    expect(t.match('fs://root')).toEqual({});
    expect(t.match('fs://root/a%2Fb/c')).toEqual({ a: ['a/b', 'c'] });
    expect(new UriTemplate('{/var,x}/here').match('/value/1024/here')).toEqual({ var: 'value', x: '1024' });
    expect(new UriTemplate('{/who}').match('/a/b')).toBeUndefined();
    expect(new UriTemplate('{/list*,last}').match('/a/b/c')).toEqual({ list: ['a', 'b'], last: 'c' });
  });

  it('reconciles a variable used twice', () => {
    const t = new UriTemplate('{/var:1,var}');
    expect(t.match('/v/value')).toEqual({ var: 'value' });
    expect(t.match('/x/value')).toBeUndefined();
    expect(new UriTemplate('{a}/{a}').match('1/2')).toBeUndefined();
    expect(new UriTemplate('{a}/{a}').match('1/1')).toEqual({ a: '1' });
  });

  it('matches labels', () => {
    expect(new UriTemplate('www{.dom*}').match('www.example.com')).toEqual({ dom: ['example', 'com'] });
    expect(new UriTemplate('X{.a,b}').match('X.1.2')).toEqual({ a: '1', b: '2' });
    expect(new UriTemplate('X{.a,b}').match('X.1')).toEqual({ a: '1' });
    expect(new UriTemplate('X{.a}').match('X.1.2')).toBeUndefined();
    expect(new UriTemplate('{name}.json').match('my.file.json')).toEqual({ name: 'my.file' });
  });

  it('matches path-style parameters in any order', () => {
    const t = new UriTemplate('map{;x,y,list*}');
    expect(t.match('map;x=1024;y=768')).toEqual({ x: '1024', y: '768' });
    expect(t.match('map;y=768;x=1024')).toEqual({ x: '1024', y: '768' });
    expect(t.match('map;x;list=a;list=b')).toEqual({ x: '', list: ['a', 'b'] });
    expect(t.match('map')).toEqual({});
    expect(t.match('map;z=1')).toBeUndefined();
    expect(t.match('map;x=1;x=2')).toBeUndefined();
  });

  it('matches query parameters in any order, with missing ones', () => {
    const t = new UriTemplate('users://{userId}/posts{?limit,offset}');
    expect(t.match('users://42/posts?limit=10&offset=5')).toEqual({ userId: '42', limit: '10', offset: '5' });
    expect(t.match('users://42/posts?offset=5&limit=10')).toEqual({ userId: '42', limit: '10', offset: '5' });
    expect(t.match('users://42/posts?offset=5')).toEqual({ userId: '42', offset: '5' });
    expect(t.match('users://42/posts?')).toEqual({ userId: '42' });
    expect(t.match('users://42/posts')).toEqual({ userId: '42' });
    expect(t.match('users://42/posts?limit=')).toEqual({ userId: '42', limit: '' });
    expect(t.match('users://42/posts?limit')).toEqual({ userId: '42', limit: '' });
    expect(t.match('users://42/posts?limit=a+b%2Bc')).toEqual({ userId: '42', limit: 'a b+c' });
    expect(t.match('users://42/posts?other=1')).toBeUndefined();
    expect(t.match('users://42/posts?limit=1&limit=2')).toBeUndefined();
    expect(t.match('users://42/posts?limit=%zz')).toBeUndefined();
    expect(t.match('users://42/postsX?limit=1')).toBeUndefined();
  });

  it('matches query continuations and exploded query lists', () => {
    expect(new UriTemplate('search{?q}{&page,tag*}').match('search?tag=a&page=2&q=x&tag=b')).toEqual({
      q: 'x',
      page: '2',
      tag: ['a', 'b'],
    });
    const fixed = new UriTemplate('search?fixed=yes{&x}');
    expect(fixed.match('search?fixed=yes&x=1024')).toEqual({ x: '1024' });
    expect(fixed.match('search?fixed=yes')).toEqual({});
    expect(fixed.match('search?fixed=no&x=1')).toBeUndefined();
    expect(new UriTemplate('search?q={q}&n={n}').match('search?q=a%26b&n=3')).toEqual({ q: 'a&b', n: '3' });
  });

  it('matches a template without variables exactly', () => {
    const t = new UriTemplate('test://static');
    expect(t.match('test://static')).toEqual({});
    expect(t.match('test://static/')).toBeUndefined();
  });

  it('matches multi-variable simple expressions', () => {
    const t = new UriTemplate('pt://{x,y}');
    expect(t.match('pt://1024,768')).toEqual({ x: '1024', y: '768' });
    expect(t.match('pt://1024')).toEqual({ x: '1024' });
    expect(t.match('pt://1,2,3')).toBeUndefined();
    expect(new UriTemplate('pt://{list*}').match('pt://a,b%2Cc')).toEqual({ list: ['a', 'b,c'] });
    expect(new UriTemplate('{+path,x}/here').match('/foo/bar,1024/here')).toEqual({ path: '/foo/bar', x: '1024' });
  });

  it('handles ambiguous neighbours without a separator', () => {
    expect(new UriTemplate('{a}.{b}.{c}.json').match('x.y.z.json')).toEqual({ a: 'x', b: 'y', c: 'z' });
    expect(new UriTemplate('{+a}/{+b}/{+c}/end').match('1/2/3/4/end')).toEqual({ a: '1/2', b: '3', c: '4' });
    expect(new UriTemplate('{a}{b}').match('xy')).toEqual({ a: 'xy', b: '' });
  });

  it('returns an own property for a variable named __proto__', () => {
    const result = new UriTemplate('x://{__proto__}').match('x://1');
    expect(Object.keys(result ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });

  it('rejects non-strings and URIs over the length cap', () => {
    const t = new UriTemplate('file:///{+path}');
    expect(t.match('file:///' + 'a'.repeat(MAX_URI_LENGTH - 8))).toBeDefined();
    expect(t.match('file:///' + 'a'.repeat(MAX_URI_LENGTH))).toBeUndefined();
    expect(t.match(42 as unknown as string)).toBeUndefined();
  });
});

describe('round trip: match(expand(v)) gives back v', () => {
  // Deterministic PRNG (mulberry32) so failures are reproducible.
  const rng = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random = rng(6570);
  const plain = 'abcXYZ019-_~';
  const awkward = `${plain} /?#&=,;+%:@!$'()*[]é日😀`;
  const pick = (alphabet: string): string => {
    const chars = Array.from(alphabet);
    return chars[Math.floor(random() * chars.length)] ?? 'a';
  };
  const word = (alphabet: string, min = 1): string => {
    const length = min + Math.floor(random() * 8);
    let out = '';
    for (let i = 0; i < length; i++) out += pick(alphabet);
    return out;
  };
  const list = (alphabet: string): string[] => Array.from({ length: 1 + Math.floor(random() * 4) }, () => word(alphabet));

  type Gen = () => Record<string, string | string[]>;
  const cases: Array<[string, Gen]> = [
    ['test://template/{id}/data', () => ({ id: word(awkward) })],
    ['users://{userId}/posts{?limit,offset}', () => ({ userId: word(awkward), limit: word(awkward, 0), offset: word(awkward) })],
    ['fs://root{/a*}', () => ({ a: list(awkward) })],
    ['fs://root{/dir,file}', () => ({ dir: word(awkward), file: word(awkward, 0) })],
    ['file:///{+path}', () => ({ path: `${word(plain)}/${word(plain)}/${word(plain)}` })],
    ['X{.a,b}', () => ({ a: word(awkward.replace('.', '')), b: word(awkward.replace('.', '')) })],
    ['www{.dom*}', () => ({ dom: list(plain.replace('.', '')) })],
    ['map{;x,y,list*}', () => ({ x: word(awkward, 0), y: word(awkward), list: list(awkward) })],
    ['search{?q,tag*}{&page}', () => ({ q: word(awkward), tag: list(awkward), page: word(plain) })],
    ['pt://{x,y}/{list*}', () => ({ x: word(awkward), y: word(awkward), list: list(awkward) })],
    ['doc://{id}{#section}', () => ({ id: word(awkward), section: word(plain) })],
    ['{a}.{b}.json', () => ({ a: word(awkward), b: word(awkward.replace('.', '')) })],
    ['repo://{owner}/{repo}/tree/{+path}{?ref}', () => ({ owner: word(awkward), repo: word(awkward), path: `${word(plain)}/${word(plain)}`, ref: word(awkward) })],
  ];

  it.each(cases)('%s', (template, gen) => {
    const t = new UriTemplate(template);
    for (let i = 0; i < 200; i++) {
      const values = gen();
      const uri = t.expand(values);
      expect(t.match(uri), `${uri} from ${JSON.stringify(values)}`).toEqual(values);
    }
  });
});

describe('malformed templates', () => {
  const bad: Array<[string, number]> = [
    ['test://{id', 7],
    ['test://{a{b}}', 9],
    ['test://a}b', 8],
    ['{}', 0],
    ['{a b}', 2],
    ['{a.}', 3],
    ['{.}', 2],
    ['{a..b}', 3],
    ['{-a}', 1],
    ['{a%2}', 2],
    ['{=a}', 1],
    ['{!a}', 1],
    ['{a,}', 3],
    ['{,a}', 1],
    ['{a:0}', 3],
    ['{a:10000}', 3],
    ['{a:}', 3],
    ['{a:1*}', 4],
    ['{a*:1}', 3],
    ['{a**}', 3],
    ['{?}', 2],
  ];
  it.each(bad)('%s throws at position %i', (template, position) => {
    let error: unknown;
    try {
      new UriTemplate(template);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toBeInstanceOf(UriTemplateError);
    expect((error as UriTemplateError).position).toBe(position);
    expect((error as Error).message).toContain(`position ${position}`);
  });

  it('rejects a template over the length cap', () => {
    expect(() => new UriTemplate('a'.repeat(MAX_TEMPLATE_LENGTH + 1))).toThrow(TypeError);
    expect(() => new UriTemplate('a'.repeat(MAX_TEMPLATE_LENGTH))).not.toThrow();
  });

  it('accepts the whole variable-name grammar', () => {
    expect(new UriTemplate('{a.b_c%41,Z9:9999,x*}').variableNames).toEqual(['a.b_c%41', 'Z9', 'x']);
  });
});

describe('adversarial inputs finish in bounded time', () => {
  const cases: Array<[string, string]> = [
    ['test://template/{id}/data', `test://template/${'a'.repeat(4000)}`],
    ['test://template/{id}/data', `test://template/${'a/'.repeat(2000)}`],
    ['{a}.{b}.{c}.{d}.json', `${'x.'.repeat(2040)}js`],
    ['{a}-{b}-{c}-{d}-{e}', `${'-'.repeat(4090)}/`],
    ['{+a}/{+b}/{+c}/end', `${'/a'.repeat(2040)}/en`],
    ['{+a}{+b}{+c}x', 'a'.repeat(4090)],
    ['{a}{b}{c}{d}!', 'a'.repeat(4090)],
    ['{/a}{/b}{/c}{/d}{/e}/x', `${'/'.repeat(4090)}`],
    ['{x,y,z}{a,b}.', ','.repeat(4090)],
    ['{;a,b,c}{;d}x', `${';a=1'.repeat(1020)}`],
    ['q{?a,b}{&c}x', `q?${'a=1&'.repeat(1020)}`],
    [`${'{a}.'.repeat(150)}end`, `${'x.'.repeat(2040)}en`],
    [`${'{+a}/'.repeat(150)}end`, `${'x/'.repeat(2040)}en`],
  ];
  const labelled = cases.map(([template, uri]) => [template.length > 40 ? `${template.slice(0, 40)}…` : template, template, uri]);
  it.each(labelled)('%s', (_label, template, uri) => {
    const t = new UriTemplate(template);
    expect(uri.length).toBeLessThanOrEqual(MAX_URI_LENGTH);
    const started = performance.now();
    t.match(uri);
    t.match(uri.slice(0, -1));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
