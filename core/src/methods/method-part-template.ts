import Handlebars from 'handlebars';

/**
 * Why a payment method's page template cannot be used, or undefined. Every value
 * it shows must be escaped (no `{{{ }}}` or `{{& }}`, except `{{{part.addons}}}`,
 * the method-part add-ons' fragments, themselves checked here), and it may not define
 * partials or decorators that would change the theme around it.
 *
 * @example
 * ```ts
 * methodPartProblem('<p>{{{part.values.code}}}</p>'); // 'raw output ({{{ }}} or {{& }}) at line 1'
 * ```
 */
export function methodPartProblem(source: string): string | undefined {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : 'does not parse';
  }
  const checker = new PartChecker();
  checker.accept(ast);
  return checker.problem;
}

class PartChecker extends Handlebars.Visitor {
  problem: string | undefined;

  private fail(node: hbs.AST.Node, reason: string): void {
    this.problem ??= `${reason} at line ${node.loc?.start.line ?? 1}`;
  }

  override MustacheStatement(node: hbs.AST.MustacheStatement): void {
    // `{{{part.addons}}}` is the one raw output a part may have: the add-ons' HTML, itself checked like this (MethodPartAddon).
    const addons = node.path.type === 'PathExpression' && (node.path as hbs.AST.PathExpression).original === 'part.addons' && node.params.length === 0;
    if (!node.escaped && !addons) this.fail(node, 'raw output ({{{ }}} or {{& }})');
    super.MustacheStatement(node);
  }

  override PartialBlockStatement(node: hbs.AST.PartialBlockStatement): void {
    this.fail(node, 'a partial block');
  }

  override DecoratorBlock(node: hbs.AST.DecoratorBlock): void {
    this.fail(node, 'a decorator');
  }

  override Decorator(node: hbs.AST.Decorator): void {
    this.fail(node, 'a decorator');
  }
}
