package io.sparkbp.optim;

/**
 * Line search for the strong Wolfe conditions (Nocedal &amp; Wright, Numerical Optimization, 2nd ed.,
 * Algorithms 3.5 and 3.6: bracketing, then zoom with safeguarded cubic interpolation, eq. 3.59).
 * Along {@code phi(a) = f(x + a d)} it looks for {@code a} with
 *
 * <pre>
 *   phi(a) &lt;= phi(0) + c1 a phi'(0)      and      |phi'(a)| &lt;= c2 |phi'(0)|
 * </pre>
 *
 * with {@code c1 = 1e-4, c2 = 0.9}. A non-finite value or slope at a trial step marks it as too
 * long: the step is shrunk towards the best point so far. When the evaluation budget runs out, the
 * best point with sufficient decrease is accepted if there is one (the caller's cautious update
 * then decides whether its curvature pair is usable).
 */
final class LineSearch {
    static final double C1 = 1e-4;
    static final double C2 = 0.9;

    /** Outcome; when {@code accepted}, the caller's {@code gBest} holds the gradient at {@code x + alpha d}. */
    record Result(boolean accepted, double alpha, double value, int evaluations) {
    }

    private LineSearch() {
    }

    /**
     * Searches along the descent direction {@code d} ({@code dphi0 = g . d < 0}) from {@code x},
     * where the value is {@code phi0}, starting with step {@code alpha0}. Trial points are formed as
     * {@code xTrial[i] = x[i] + a * d[i]}; {@code gTrial} and {@code gBest} are work arrays.
     */
    static Result strongWolfe(Lbfgs.DiffFunction f, double[] x, double[] d, double phi0, double dphi0,
                              double alpha0, int maxEvaluations, double[] xTrial, double[] gTrial, double[] gBest) {
        int n = x.length;
        // lo: best step so far with sufficient decrease (0 at the start); hi: the other end of the
        // bracket, +infinity while no bracket is known.
        double loA = 0.0;
        double loPhi = phi0;
        double loDphi = dphi0;
        double hiA = Double.POSITIVE_INFINITY;
        double hiPhi = Double.NaN;
        double hiDphi = Double.NaN;
        double a = alpha0;
        int evals = 0;
        while (evals < maxEvaluations) {
            for (int i = 0; i < n; i++) {
                xTrial[i] = x[i] + a * d[i];
            }
            double phi = f.valueAndGradient(xTrial, gTrial);
            evals++;
            double dphi = CurvatureHistory.dot(gTrial, d);
            double prevA = loA;
            double prevPhi = loPhi;
            double prevDphi = loDphi;
            if (!Double.isFinite(phi) || !Double.isFinite(dphi)) {
                hiA = a;
                hiPhi = Double.NaN;
                hiDphi = Double.NaN;
            } else if (phi > phi0 + C1 * a * dphi0 || phi >= loPhi) {
                hiA = a;
                hiPhi = phi;
                hiDphi = dphi;
            } else {
                if (Math.abs(dphi) <= -C2 * dphi0) {
                    System.arraycopy(gTrial, 0, gBest, 0, n);
                    return new Result(true, a, phi, evals);
                }
                if (dphi * (hiA - a) >= 0.0) {
                    // the minimum lies between the previous best and this point
                    hiA = loA;
                    hiPhi = loPhi;
                    hiDphi = loDphi;
                }
                loA = a;
                loPhi = phi;
                loDphi = dphi;
                System.arraycopy(gTrial, 0, gBest, 0, n);
            }
            if (hiA == Double.POSITIVE_INFINITY) {
                // still too short and descending: extrapolate, between 2x and 10x the step
                double c = cubicMinimizer(prevA, prevPhi, prevDphi, loA, loPhi, loDphi);
                a = Double.isFinite(c) && c > loA ? Math.min(Math.max(c, 2.0 * loA), 10.0 * loA) : 4.0 * loA;
            } else {
                double w = hiA - loA;
                if (Math.abs(w) <= 1e-12 * Math.max(Math.abs(loA), Math.abs(hiA))) {
                    break;
                }
                double c = Double.isFinite(hiPhi)
                        ? cubicMinimizer(loA, loPhi, loDphi, hiA, hiPhi, hiDphi) : Double.NaN;
                double lower = Math.min(loA, hiA) + 0.1 * Math.abs(w);
                double upper = Math.max(loA, hiA) - 0.1 * Math.abs(w);
                a = c >= lower && c <= upper ? c : loA + 0.5 * w;
            }
        }
        if (loA > 0.0) {
            return new Result(true, loA, loPhi, evals);
        }
        return new Result(false, 0.0, phi0, evals);
    }

    /**
     * Minimizer of the cubic interpolating values and slopes at {@code a1} and {@code a2} (Nocedal
     * &amp; Wright eq. 3.59), or NaN when the cubic has no minimizer.
     */
    static double cubicMinimizer(double a1, double f1, double g1, double a2, double f2, double g2) {
        double d1 = g1 + g2 - 3.0 * (f1 - f2) / (a1 - a2);
        double disc = d1 * d1 - g1 * g2;
        if (!(disc >= 0.0)) {
            return Double.NaN;
        }
        double d2 = Math.signum(a2 - a1) * Math.sqrt(disc);
        return a2 - (a2 - a1) * (g2 + d2 - d1) / (g2 - g1 + 2.0 * d2);
    }
}
