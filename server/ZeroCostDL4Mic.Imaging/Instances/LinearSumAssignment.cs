namespace ZeroCostDL4Mic.Imaging.Instances;

/// <summary>
/// Minimum-cost assignment of a rectangular cost matrix (scipy's linear_sum_assignment): every row of the smaller
/// side gets a distinct column of the other. Shortest augmenting paths with potentials (Hungarian method), O(n²m).
/// </summary>
public static class LinearSumAssignment
{
    /// <summary>Pairs (row, column) of an optimal assignment, sorted by row; min(rows, cols) pairs.</summary>
    public static IReadOnlyList<(int Row, int Col)> Solve(double[,] cost)
    {
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        if (rows == 0 || cols == 0) return Array.Empty<(int, int)>();
        bool transpose = rows > cols;
        int n = transpose ? cols : rows, m = transpose ? rows : cols;
        double A(int i, int j) => transpose ? cost[j, i] : cost[i, j];
        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];
        var way = new int[m + 1];
        var minv = new double[m + 1];
        var used = new bool[m + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    double current = A(i0 - 1, j - 1) - u[i0] - v[j];
                    if (current < minv[j]) { minv[j] = current; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= m; j++)
                {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var pairs = new List<(int, int)>(n);
        for (int j = 1; j <= m; j++)
            if (p[j] != 0) pairs.Add(transpose ? (j - 1, p[j] - 1) : (p[j] - 1, j - 1));
        pairs.Sort();
        return pairs;
    }
}
