using System.Text;
using Serverless.Monitoring.Core.Alerting.Matchers;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Routing;

/// <summary>amtool's route trees (<c>config routes</c> and <c>config routes test --tree</c>), drawn as its treeprint library draws them.</summary>
public static class RouteTreePrinter
{
    /// <summary>The whole tree, each node with <c>continue</c> and receiver.</summary>
    public static string Tree(Route root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return Render(Build(root));
    }

    /// <summary>The routes <paramref name="labels"/> goes through; the final ones show their receiver.</summary>
    public static string MatchingTree(Route root, LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(labels);
        return Render(Matching(root, labels));
    }

    private static Node Matching(Route route, LabelSet labels)
    {
        var node = new Node(Slug(route, false, false));
        var final = true;
        foreach (var child in route.Routes)
        {
            if (AlertmanagerMatchers.MatchAll(child.Matchers, labels))
            {
                node.Children.Add(Matching(child, labels));
                final = false;
                if (!child.Continue)
                {
                    break;
                }
            }
        }

        if (final)
        {
            node.Text = Slug(route, false, true);
        }

        return node;
    }

    private static Node Build(Route route)
    {
        var node = new Node(Slug(route, showContinue: true, showReceiver: true));
        foreach (var child in route.Routes)
        {
            node.Children.Add(Build(child));
        }

        return node;
    }

    private static string Slug(Route route, bool showContinue, bool showReceiver)
    {
        var sb = new StringBuilder(route.Matchers.Count == 0 ? "default-route" : AlertmanagerMatchers.Format(route.Matchers));
        if (route.Continue && showContinue)
        {
            sb.Append("  continue: true");
        }

        if (showReceiver)
        {
            sb.Append("  receiver: ").Append(route.Options.Receiver);
        }

        return sb.ToString();
    }

    // treeprint: a "." root, then "├── " / "└── " branches with "│" + two no-break spaces + a space,
    // or four spaces, as indents; ends with a newline.
    private static string Render(Node top)
    {
        var sb = new StringBuilder(".\n");
        Write(sb, [top], string.Empty);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, List<Node> nodes, string indent)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            var last = i == nodes.Count - 1;
            sb.Append(indent).Append(last ? "└── " : "├── ").Append(nodes[i].Text).Append('\n');
            Write(sb, nodes[i].Children, indent + (last ? "    " : "│\u00A0\u00A0 "));
        }
    }

    private sealed class Node(string text)
    {
        public string Text { get; set; } = text;

        public List<Node> Children { get; } = [];
    }
}
