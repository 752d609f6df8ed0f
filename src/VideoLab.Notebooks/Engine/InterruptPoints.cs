using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace VideoLab.Notebooks.Engine;

/// <summary>
/// Rewrites a cell so that its own code stops when the cell is interrupted, without polling a token by hand:
/// a call to <see cref="Scripting.Interruption.Check"/> goes at the top of every loop body, every method,
/// local function (expression-bodied ones become blocks), accessor and block lambda body (recursion), after
/// every label (goto loops), and between
/// the cell's top-level statements (so a cell stops after a library call that returned early, such as a
/// cancelled <c>Trainer.Fit</c>).
/// </summary>
/// <remarks>
/// <para>.NET has no safe way to stop a thread from outside (no <c>Thread.Abort</c>), so the cell must reach a
/// check. A check costs one volatile read while no interrupt is pending (see <c>bench/notebook</c>).</para>
/// <para>Nothing is added to a line or removed from one: every check goes on the line of the code it guards, so
/// line numbers in errors and stack traces stay those of the cell. Code the cell calls into (libraries,
/// native code, blocking waits) is not rewritten: library loops observe <c>HostCancellation</c>, blocking
/// waits on the cell's thread are woken up, and anything else runs to its end (the kernel says so).</para>
/// </remarks>
static class InterruptPoints
{
    const string CheckCall = "global::VideoLab.Notebooks.Scripting.Interruption.Check();";

    /// <summary>The cell's code with checks inserted; unchanged if it does not parse as a script.</summary>
    public static string Insert(string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest, kind: SourceCodeKind.Script));
        if (tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)) return code;
        return new Rewriter().Visit(tree.GetRoot()).ToFullString();
    }

    static StatementSyntax Check() => ParseStatement(CheckCall).WithoutTrivia().WithTrailingTrivia(Space);

    sealed class Rewriter : CSharpSyntaxRewriter
    {
        public override SyntaxNode? VisitCompilationUnit(CompilationUnitSyntax node)
        {
            var unit = (CompilationUnitSyntax)base.VisitCompilationUnit(node)!;
            var members = new List<MemberDeclarationSyntax>();
            bool seenStatement = false;
            foreach (var member in unit.Members)
            {
                // What runs, in order: statements and (in a script) top-level variables, which are fields.
                if (member is GlobalStatementSyntax or FieldDeclarationSyntax)
                {
                    // Between them only: a trailing expression stays the cell's last member, its result.
                    if (seenStatement)
                    {
                        members.Add(GlobalStatement(Check()).WithLeadingTrivia(member.GetLeadingTrivia()));
                        members.Add(member.WithLeadingTrivia());
                        continue;
                    }
                    seenStatement = true;
                }
                members.Add(member);
            }
            return unit.WithMembers(List(members));
        }

        public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
        {
            var visited = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
            return visited.WithStatement(Guard(visited.Statement));
        }

        public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
        {
            var visited = (DoStatementSyntax)base.VisitDoStatement(node)!;
            return visited.WithStatement(Guard(visited.Statement));
        }

        public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
        {
            var visited = (ForStatementSyntax)base.VisitForStatement(node)!;
            return visited.WithStatement(Guard(visited.Statement));
        }

        public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
        {
            var visited = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
            return visited.WithStatement(Guard(visited.Statement));
        }

        public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
        {
            var visited = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
            return visited.WithStatement(Guard(visited.Statement));
        }

        public override SyntaxNode? VisitLabeledStatement(LabeledStatementSyntax node)
        {
            var visited = (LabeledStatementSyntax)base.VisitLabeledStatement(node)!;
            return visited.WithStatement(Guard(visited.Statement));
        }

        public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node)
        {
            var visited = (MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!;
            if (visited.Body is { } block) return visited.WithBody(Prepend(block));
            if (visited.ExpressionBody is { } arrow && !visited.Modifiers.Any(SyntaxKind.AsyncKeyword))
                return visited.WithExpressionBody(null).WithSemicolonToken(default)
                              .WithBody(AsBlock(arrow, visited.SemicolonToken, IsVoid(visited.ReturnType)));
            return visited;
        }

        public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
        {
            var visited = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
            if (visited.Body is { } block) return visited.WithBody(Prepend(block));
            if (visited.ExpressionBody is { } arrow && !visited.Modifiers.Any(SyntaxKind.AsyncKeyword))
                return visited.WithExpressionBody(null).WithSemicolonToken(default)
                              .WithBody(AsBlock(arrow, visited.SemicolonToken, IsVoid(visited.ReturnType)));
            return visited;
        }

        public override SyntaxNode? VisitConstructorDeclaration(ConstructorDeclarationSyntax node)
        {
            var visited = (ConstructorDeclarationSyntax)base.VisitConstructorDeclaration(node)!;
            return visited.Body is { } block ? visited.WithBody(Prepend(block)) : visited;
        }

        public override SyntaxNode? VisitAccessorDeclaration(AccessorDeclarationSyntax node)
        {
            var visited = (AccessorDeclarationSyntax)base.VisitAccessorDeclaration(node)!;
            return visited.Body is { } block ? visited.WithBody(Prepend(block)) : visited;
        }

        public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
        {
            var visited = (ParenthesizedLambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!;
            return visited.Block is { } block ? visited.WithBlock(Prepend(block)) : visited;
        }

        public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
        {
            var visited = (SimpleLambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!;
            return visited.Block is { } block ? visited.WithBlock(Prepend(block)) : visited;
        }

        public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node)
        {
            var visited = (AnonymousMethodExpressionSyntax)base.VisitAnonymousMethodExpression(node)!;
            return visited.Block is { } block ? visited.WithBlock(Prepend(block)) : visited;
        }

        static bool IsVoid(TypeSyntax type) => type is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword };

        /// <summary><c>=&gt; e;</c> as <c>{ Check(); return e; }</c> (or <c>{ Check(); e; }</c> for void), on the same lines (recursion like <c>Fib</c>).</summary>
        static BlockSyntax AsBlock(ArrowExpressionClauseSyntax arrow, SyntaxToken semicolon, bool isVoid)
        {
            var end = Token(SyntaxKind.SemicolonToken);
            StatementSyntax body = isVoid
                ? ExpressionStatement(arrow.Expression, end)
                : ReturnStatement(Token(SyntaxKind.ReturnKeyword).WithTrailingTrivia(Space), arrow.Expression, end);
            return Block(Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(arrow.ArrowToken.LeadingTrivia).WithTrailingTrivia(Space),
                         List([Check(), body]),
                         Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(Space).WithTrailingTrivia(semicolon.TrailingTrivia));
        }

        static BlockSyntax Prepend(BlockSyntax block) => block.WithStatements(block.Statements.Insert(0, Check()));

        /// <summary>The loop body (or labeled statement) with a check first, on the line where the body starts.</summary>
        static StatementSyntax Guard(StatementSyntax statement)
        {
            if (statement is BlockSyntax block) return Prepend(block);
            // `while (x) i++;` becomes `while (x) { Check(); i++; }`: the body's line breaks move before the brace.
            return Block(Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(statement.GetLeadingTrivia()).WithTrailingTrivia(Space),
                         List([Check(), statement.WithoutTrivia()]),
                         Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(Space).WithTrailingTrivia(statement.GetTrailingTrivia()));
        }
    }
}
