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

    /** The line searched: from {@code x}, where the value is {@code phi0}, along {@code d}, with slope {@code dphi0 = g . d < 0}. */
    record Line(double[] x, double[] d, double phi0, double dphi0) {
    }

    /** Work arrays of the length of {@code x}: the trial point, its gradient and the best point's gradient. */
    record Work(double[] xTrial, double[] gTrial, double[] gBest) {
    }

    /**
     * Searches along {@code line}, starting with step {@code alpha0}. Trial points are formed as
     * {@code xTrial[i] = x[i] + a * d[i]}; on acceptance {@code work.gBest} holds the gradient there.
     */
    static Result strongWolfe(Lbfgs.DiffFunction f, Line line, double alpha0, int maxEvaluations, Work work) {
        double[] x = line.x();
        double[] d = line.d();
        int n = x.length;
        Bracket b = new Bracket(line.phi0(), line.dphi0());
        double a = alpha0;
        int evals = 0;
        while (evals < maxEvaluations) {
            for (int i = 0; i < n; i++) {
                work.xTrial()[i] = x[i] + a * d[i];
            }
            double phi = f.valueAndGradient(work.xTrial(), work.gTrial());
            evals++;
            double dphi = CurvatureHistory.dot(work.gTrial(), d);
            double prevA = b.loA;
            double prevPhi = b.loPhi;
            double prevDphi = b.loDphi;
            Trial t = b.take(a, phi, dphi, line);
            if (t != Trial.TOO_LONG) {
                System.arraycopy(work.gTrial(), 0, work.gBest(), 0, n);
            }
            if (t == Trial.ACCEPTED) {
                return new Result(true, a, phi, evals);
            }
            a = b.nextStep(prevA, prevPhi, prevDphi);
            if (Double.isNaN(a)) {
                break;
            }
        }
        if (b.loA > 0.0) {
            return new Result(true, b.loA, b.loPhi, evals);
        }
        return new Result(false, 0.0, line.phi0(), evals);
    }

    /** What a trial step did to the bracket. */
    private enum Trial { ACCEPTED, TOO_LONG, BEST_SO_FAR }

    /**
     * lo: best step so far with sufficient decrease (0 at the start); hi: the other end of the
     * bracket, +infinity while no bracket is known.
     */
    private static final class Bracket {
        double loA = 0.0;
        double loPhi;
        double loDphi;
        double hiA = Double.POSITIVE_INFINITY;
        double hiPhi = Double.NaN;
        double hiDphi = Double.NaN;

        Bracket(double phi0, double dphi0) {
            loPhi = phi0;
            loDphi = dphi0;
        }

        Trial take(double a, double phi, double dphi, Line line) {
            if (!Double.isFinite(phi) || !Double.isFinite(dphi)) {
                setHi(a, Double.NaN, Double.NaN);
                return Trial.TOO_LONG;
            }
            if (phi > line.phi0() + C1 * a * line.dphi0() || phi >= loPhi) {
                setHi(a, phi, dphi);
                return Trial.TOO_LONG;
            }
            if (Math.abs(dphi) <= -C2 * line.dphi0()) {
                return Trial.ACCEPTED;
            }
            if (dphi * (hiA - a) >= 0.0) {
                // the minimum lies between the previous best and this point
                setHi(loA, loPhi, loDphi);
            }
            loA = a;
            loPhi = phi;
            loDphi = dphi;
            return Trial.BEST_SO_FAR;
        }

        private void setHi(double a, double phi, double dphi) {
            hiA = a;
            hiPhi = phi;
            hiDphi = dphi;
        }

        /** The next trial step, or NaN when the bracket has shrunk to nothing. */
        double nextStep(double prevA, double prevPhi, double prevDphi) {
            if (hiA == Double.POSITIVE_INFINITY) {
                // still too short and descending: extrapolate, between 2x and 10x the step
                double c = cubicMinimizer(prevA, prevPhi, prevDphi, loA, loPhi, loDphi);
                return Double.isFinite(c) && c > loA ? Math.min(Math.max(c, 2.0 * loA), 10.0 * loA) : 4.0 * loA;
            }
            double w = hiA - loA;
            if (Math.abs(w) <= 1e-12 * Math.max(Math.abs(loA), Math.abs(hiA))) {
                return Double.NaN;
            }
            double c = Double.isFinite(hiPhi)
                    ? cubicMinimizer(loA, loPhi, loDphi, hiA, hiPhi, hiDphi) : Double.NaN;
            double lower = Math.min(loA, hiA) + 0.1 * Math.abs(w);
            double upper = Math.max(loA, hiA) - 0.1 * Math.abs(w);
            return c >= lower && c <= upper ? c : loA + 0.5 * w;
        }
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
