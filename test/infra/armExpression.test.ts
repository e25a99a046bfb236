/** The test-side ARM expression evaluator, checked against documented ARM behaviour. */
import type { ArmValue, EvalScope } from './armExpression';
import { Opaque, calledFunctions, evaluateValue, parseExpression } from './armExpression';
import { functionsCalledIn } from './armTemplate';

const scope: EvalScope = {
  cloud: 'AzureCloud',
  subscriptionId: 'sub1',
  resourceGroup: 'rg1',
  tenantId: 't1',
  location: 'westeurope',
  parameters: { flag: true, list: ['a', 'b'], name: "o'neil", empty: '', obj: { Key: 1 } },
  variables: {
    greeting: "[format('hi {0}', parameters('name'))]",
    copy: [
      {
        name: 'doubled',
        count: "[length(parameters('list'))]",
        input: "[concat(parameters('list')[copyIndex('doubled')], '!')]",
      },
    ],
  },
  copyIndex: {},
};

const cases: [string, ArmValue][] = [
  ["[if(parameters('flag'), 'yes', 'no')]", 'yes'],
  ["[concat(parameters('list'), createArray('c'))]", ['a', 'b', 'c']],
  ["[concat('x', 1, true())]", 'x1True'],
  ["[format('{0}-{1}', 'a', 2)]", 'a-2'],
  ["[variables('greeting')]", "hi o'neil"],
  ["[variables('doubled')]", ['a!', 'b!']],
  ["[empty(parameters('empty'))]", true],
  ["[contains(parameters('obj'), 'key')]", true],
  ["[contains('abc', 'B')]", false],
  ["[equals('a', 'A')]", false],
  ["[union(createArray('a', 'b'), createArray('b', 'c'))]", ['a', 'b', 'c']],
  ["[join(parameters('list'), ';')]", 'a;b'],
  ["[take('abcdef', 3)]", 'abc'],
  [
    "[resourceId('Microsoft.Web/sites', 'app')]",
    '/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Web/sites/app',
  ],
  [
    "[resourceId('other', 'Microsoft.Web/sites/host', 'app', 'default')]",
    '/subscriptions/sub1/resourceGroups/other/providers/Microsoft.Web/sites/app/host/default',
  ],
  [
    "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r')]",
    '/subscriptions/sub1/providers/Microsoft.Authorization/roleDefinitions/r',
  ],
  ["[guid(resourceGroup().id, 'p', 'r')]", 'guid(/subscriptions/sub1/resourceGroups/rg1|p|r)'],
  ['[string(false())]', 'False'],
  ['[[literal]', '[literal]'],
  ['plain', 'plain'],
];

describe('ARM expression evaluator', () => {
  it.each(cases)('%s → %j', (expr, expected) => {
    expect(evaluateValue(expr, scope)).toEqual(expected);
  });

  it('keeps deployment-time values opaque', () => {
    const v = evaluateValue("[reference('x', '2024-01-01').principalId]", scope);
    expect(v).toBeInstanceOf(Opaque);
    expect((v as Opaque).text).toBe('reference(x, 2024-01-01).principalId');
  });

  it('evaluates if() lazily, like ARM', () => {
    expect(evaluateValue("[if(true(), 'ok', parameters('missing'))]", scope)).toBe('ok');
  });

  it.each(['[utcNow()]', "[parameters('missing')]", '[copyIndex()]', "[concat('a']"])(
    'rejects %s',
    (expr) => {
      expect(() => evaluateValue(expr, scope)).toThrow();
    },
  );

  it('lists called functions, so forbidden ones are found', () => {
    expect(calledFunctions(parseExpression('[guid(utcNow(), newGuid())]'))).toEqual([
      'guid',
      'utcNow',
      'newGuid',
    ]);
    expect(functionsCalledIn({ a: ['x', { b: "[format('{0}', utcNow())]" }] })).toEqual(
      new Set(['format', 'utcNow']),
    );
  });
});
