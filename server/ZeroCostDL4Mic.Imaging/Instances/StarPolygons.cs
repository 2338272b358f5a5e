namespace ZeroCostDL4Mic.Imaging.Instances;

/// <summary>Star-convex polygons: a centre and a distance per ray (ray k at angle 2πk/R, row += sin, column += cos).</summary>
public static class StarPolygons
{
    /// <summary>Vertex rows and columns of the polygon (py, px, distances) as stardist's dist_to_coord (float32 offsets).</summary>
    public static (double[] Rows, double[] Cols) Vertices(double py, double px, ReadOnlySpan<float> distances)
    {
        int n = distances.Length;
        var rows = new double[n];
        var cols = new double[n];
        for (int k = 0; k < n; k++)
        {
            double phi = 2 * Math.PI * k / n;
            rows[k] = (float)py + (float)(distances[k] * Math.Sin(phi));
            cols[k] = (float)px + (float)(distances[k] * Math.Cos(phi));
        }
        return (rows, cols);
    }

    /// <summary>|shoelace| area of a closed polygon given by its vertices (no repeated closing vertex).</summary>
    public static double Area(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        double sum = 0;
        for (int i = 0, j = xs.Length - 1; i < xs.Length; j = i++) sum += xs[j] * ys[i] - xs[i] * ys[j];
        return Math.Abs(sum) / 2;
    }

    /// <summary>
    /// skimage's point_in_polygon (O'Rourke's crossing test): 0 outside, 1 inside, 2 on a vertex (tolerance 1e-12), 3 on an edge.
    /// </summary>
    public static int PointInPolygon(ReadOnlySpan<double> xp, ReadOnlySpan<double> yp, double x, double y)
    {
        const double eps = 1e-12;
        int n = xp.Length;
        uint left = 0, right = 0;
        double x1 = xp[n - 1] - x, y1 = yp[n - 1] - y;
        for (int i = 0; i < n; i++)
        {
            double x0 = xp[i] - x, y0 = yp[i] - y;
            if (-eps < x0 && x0 < eps && -eps < y0 && y0 < eps) return 2;
            if ((y0 > 0) != (y1 > 0) && (x0 * y1 - x1 * y0) / (y1 - y0) > 0) right++;
            if ((y0 < 0) != (y1 < 0) && (x0 * y1 - x1 * y0) / (y1 - y0) < 0) left++;
            x1 = x0;
            y1 = y0;
        }
        if ((right & 1) != (left & 1)) return 3;
        return (right & 1) == 1 ? 1 : 0;
    }

    /// <summary>
    /// Exact area of the intersection of two polygons with the same orientation, by Green's theorem over the pieces
    /// of each boundary that lie inside the other (non-zero winding). The second polygon is shifted by a tiny generic
    /// offset so no vertex lies on the other's edges; the area changes by less than 1e-6 per unit of perimeter.
    /// </summary>
    public static double IntersectionArea(ReadOnlySpan<double> ax, ReadOnlySpan<double> ay, ReadOnlySpan<double> bx, ReadOnlySpan<double> by)
    {
        const double shiftX = 1.2345678e-7 * Math.PI, shiftY = 0.8765432e-7 * Math.E;
        int na = ax.Length, nb = bx.Length;
        // Local coordinates around A's first vertex keep the cross products small.
        double ox = ax[0], oy = ay[0];
        Span<double> pax = na <= 128 ? stackalloc double[na] : new double[na], pay = na <= 128 ? stackalloc double[na] : new double[na];
        Span<double> pbx = nb <= 128 ? stackalloc double[nb] : new double[nb], pby = nb <= 128 ? stackalloc double[nb] : new double[nb];
        for (int i = 0; i < na; i++) { pax[i] = ax[i] - ox; pay[i] = ay[i] - oy; }
        for (int i = 0; i < nb; i++) { pbx[i] = bx[i] - ox + shiftX; pby[i] = by[i] - oy + shiftY; }

        // Crossing parameters along each edge of A and of B.
        var crossA = new List<double>?[na];
        var crossB = new List<double>?[nb];
        for (int i = 0; i < na; i++)
        {
            int i1 = i + 1 == na ? 0 : i + 1;
            double px = pax[i], py = pay[i], rx = pax[i1] - px, ry = pay[i1] - py;
            double minX = Math.Min(px, pax[i1]), maxX = Math.Max(px, pax[i1]), minY = Math.Min(py, pay[i1]), maxY = Math.Max(py, pay[i1]);
            for (int j = 0; j < nb; j++)
            {
                int j1 = j + 1 == nb ? 0 : j + 1;
                double qx = pbx[j], qy = pby[j];
                if (Math.Max(qx, pbx[j1]) < minX || Math.Min(qx, pbx[j1]) > maxX || Math.Max(qy, pby[j1]) < minY || Math.Min(qy, pby[j1]) > maxY) continue;
                double sx = pbx[j1] - qx, sy = pby[j1] - qy;
                double d = rx * sy - ry * sx;
                if (d == 0) continue;
                double wx = qx - px, wy = qy - py;
                double t = (wx * sy - wy * sx) / d, u = (wx * ry - wy * rx) / d;
                if (t <= 0 || t >= 1 || u <= 0 || u >= 1) continue;
                (crossA[i] ??= new List<double>(2)).Add(t);
                (crossB[j] ??= new List<double>(2)).Add(u);
            }
        }
        double twice = InsidePieces(pax, pay, crossA, pbx, pby) + InsidePieces(pbx, pby, crossB, pax, pay);
        return Math.Abs(twice) / 2;
    }

    /// <summary>Σ cross(start, end) over the pieces of polygon P's edges whose midpoints lie inside polygon Q.</summary>
    static double InsidePieces(ReadOnlySpan<double> px, ReadOnlySpan<double> py, List<double>?[] crossings, ReadOnlySpan<double> qx, ReadOnlySpan<double> qy)
    {
        double sum = 0;
        int n = px.Length;
        for (int i = 0; i < n; i++)
        {
            int i1 = i + 1 == n ? 0 : i + 1;
            double x0 = px[i], y0 = py[i], rx = px[i1] - x0, ry = py[i1] - y0;
            var ts = crossings[i];
            if (ts is null)
            {
                if (Winding(qx, qy, x0 + rx / 2, y0 + ry / 2) != 0) sum += x0 * py[i1] - px[i1] * y0;
                continue;
            }
            ts.Sort();
            double start = 0;
            for (int k = 0; k <= ts.Count; k++)
            {
                double end = k < ts.Count ? ts[k] : 1;
                double mid = (start + end) / 2;
                if (Winding(qx, qy, x0 + mid * rx, y0 + mid * ry) != 0)
                {
                    double sx = x0 + start * rx, sy = y0 + start * ry, ex = x0 + end * rx, ey = y0 + end * ry;
                    sum += sx * ey - ex * sy;
                }
                start = end;
            }
        }
        return sum;
    }

    /// <summary>Winding number of the point (x, y) with respect to the closed polygon.</summary>
    static int Winding(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, double x, double y)
    {
        int wn = 0, n = xs.Length;
        for (int i = 0, j = n - 1; i < n; j = i++)
        {
            double x0 = xs[j], y0 = ys[j], x1 = xs[i], y1 = ys[i];
            if (y0 <= y)
            {
                if (y1 > y && (x1 - x0) * (y - y0) - (x - x0) * (y1 - y0) > 0) wn++;
            }
            else if (y1 <= y && (x1 - x0) * (y - y0) - (x - x0) * (y1 - y0) < 0) wn--;
        }
        return wn;
    }
}
