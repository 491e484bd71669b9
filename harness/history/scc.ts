// Tarjan's strongly connected components, iterative (a long history must not overflow the
// stack). Every cycle of the dependency graph lies inside one component of two or more nodes.

/** The components with at least two nodes, each sorted ascending, for `nodes` and `successors`. */
export function stronglyConnected(nodes: readonly number[], successors: (node: number) => readonly number[]): number[][] {
  const order = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  for (const root of nodes) {
    if (order.has(root)) continue;
    const work: { node: number; next: readonly number[]; i: number }[] = [];
    const open = (node: number) => {
      order.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: successors(node), i: 0 });
    };
    open(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      if (top.i < top.next.length) {
        const next = top.next[top.i++]!;
        if (!order.has(next)) open(next);
        else if (onStack.has(next)) low.set(top.node, Math.min(low.get(top.node)!, order.get(next)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) !== order.get(top.node)) continue;
      const component: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== top.node);
      if (component.length > 1) components.push(component.sort((a, b) => a - b));
    }
  }
  return components;
}
