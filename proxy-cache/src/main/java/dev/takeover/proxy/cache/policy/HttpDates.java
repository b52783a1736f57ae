package dev.takeover.proxy.cache.policy;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * HTTP-date parsing and formatting (RFC 9110 §5.6.7).
 *
 * <p>{@link #parse} accepts the three formats a recipient must accept: the preferred IMF-fixdate
 * ({@code Sun, 06 Nov 1994 08:49:37 GMT}), the obsolete RFC 850 format ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and
 * the obsolete ANSI C asctime format ({@code Sun Nov  6 08:49:37 1994}). Day and month names are matched
 * case-insensitively, runs of spaces are tolerated, the day name is checked to be a day name but not checked against
 * the date. A two-digit RFC 850 year {@code 00..69} means {@code 20xx} and {@code 70..99} means {@code 19xx}: the RFC's
 * "50 years in the future" rule would need the current time, which this class never reads. A leap second
 * ({@code :60}) is accepted and rolls into the next minute.
 *
 * <p>{@link #format} always produces IMF-fixdate in GMT with second precision.
 *
 * <p>Hand-rolled and allocation-light because it runs several times per request. Stateless and thread-safe.
 */
public final class HttpDates {

    private static final String[] SHORT_DAYS = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    private static final String[] LONG_DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
        "Saturday"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
        "Dec"};
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the instants a four-digit year can express. */
    private static final long MIN_FORMATTABLE = daysFromCivil(0, 1, 1) * MILLIS_PER_DAY;
    private static final long MAX_FORMATTABLE = (daysFromCivil(9999, 12, 31) + 1) * MILLIS_PER_DAY - 1;

    private HttpDates() {
    }

    /**
     * Parses an HTTP-date in any of the three accepted formats.
     *
     * @param value a field value, leading and trailing whitespace allowed; {@code null} is treated as invalid
     * @return the instant in epoch milliseconds (a whole second), or empty if {@code value} is not a valid HTTP-date;
     *     never throws
     */
    public static OptionalLong parse(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        String[] t = tokens(value);
        if (t == null) {
            return OptionalLong.empty();
        }
        long millis = switch (t.length) {
            case 6 -> imfFixdate(t);
            case 4 -> rfc850(t);
            case 5 -> asctime(t);
            default -> Long.MIN_VALUE;
        };
        return millis == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(millis);
    }

    /**
     * Formats an instant as IMF-fixdate, truncating (flooring) to the second.
     *
     * @param epochMillis an instant between years 0000 and 9999 inclusive
     * @return e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}
     * @throws IllegalArgumentException if the instant's year does not have four digits
     */
    public static String format(long epochMillis) {
        if (epochMillis < MIN_FORMATTABLE || epochMillis > MAX_FORMATTABLE) {
            throw new IllegalArgumentException("HTTP-date needs a four-digit year, got epoch millis " + epochMillis);
        }
        long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int secondOfDay = (int) (Math.floorMod(epochMillis, MILLIS_PER_DAY) / 1000);
        // Civil-from-days (proleptic Gregorian), after Howard Hinnant's public-domain algorithm.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));

        StringBuilder sb = new StringBuilder(29);
        sb.append(SHORT_DAYS[(int) Math.floorMod(days + 4, 7)]).append(", ");
        two(sb, day).append(' ').append(MONTHS[month - 1]).append(' ');
        two(sb, year / 100);
        two(sb, year % 100).append(' ');
        two(sb, secondOfDay / 3600).append(':');
        two(sb, secondOfDay / 60 % 60).append(':');
        two(sb, secondOfDay % 60).append(" GMT");
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, int value) {
        return sb.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** Splits on runs of SP/HTAB; null if there are more than 6 tokens (no accepted format has more). */
    private static String[] tokens(String value) {
        String[] out = new String[6];
        int n = 0;
        int i = 0;
        int len = value.length();
        while (i < len) {
            while (i < len && FieldValues.isOws(value.charAt(i))) {
                i++;
            }
            if (i == len) {
                break;
            }
            int start = i;
            while (i < len && !FieldValues.isOws(value.charAt(i))) {
                i++;
            }
            if (n == out.length) {
                return null;
            }
            out[n++] = value.substring(start, i);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    private static long imfFixdate(String[] t) {
        if (!dayName(t[0], SHORT_DAYS, true)) {
            return Long.MIN_VALUE;
        }
        int year = digits(t[3], 4, 4);
        return epoch(year, month(t[2]), digits(t[1], 1, 2), t[4], t[5]);
    }

    /** {@code Sunday, 06-Nov-94 08:49:37 GMT}. */
    private static long rfc850(String[] t) {
        if (!dayName(t[0], LONG_DAYS, true)) {
            return Long.MIN_VALUE;
        }
        String date = t[1];
        int dash1 = date.indexOf('-');
        int dash2 = date.indexOf('-', dash1 + 1);
        if (dash1 < 0 || dash2 < 0) {
            return Long.MIN_VALUE;
        }
        int year = digits(date.substring(dash2 + 1), 2, 2);
        if (year >= 0) {
            year += year < 70 ? 2000 : 1900;
        }
        return epoch(year, month(date.substring(dash1 + 1, dash2)), digits(date.substring(0, dash1), 1, 2), t[2],
            t[3]);
    }

    /** {@code Sun Nov  6 08:49:37 1994}. */
    private static long asctime(String[] t) {
        if (!dayName(t[0], SHORT_DAYS, false)) {
            return Long.MIN_VALUE;
        }
        return epoch(digits(t[4], 4, 4), month(t[1]), digits(t[2], 1, 2), t[3], "GMT");
    }

    private static boolean dayName(String token, String[] names, boolean comma) {
        int end = token.length();
        if (comma) {
            if (end == 0 || token.charAt(end - 1) != ',') {
                return false;
            }
            end--;
        }
        for (String name : names) {
            if (name.length() == end && token.regionMatches(true, 0, name, 0, end)) {
                return true;
            }
        }
        return false;
    }

    private static int month(String token) {
        for (int m = 0; m < MONTHS.length; m++) {
            if (MONTHS[m].equalsIgnoreCase(token)) {
                return m + 1;
            }
        }
        return -1;
    }

    /** A run of {@code min..max} ASCII digits as an int, or -1. */
    private static int digits(String s, int min, int max) {
        if (s.length() < min || s.length() > max) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static long epoch(int year, int month, int day, String time, String zone) {
        if (year < 0 || month < 1 || day < 1 || day > daysInMonth(year, month) || !"GMT".equalsIgnoreCase(zone)
            || time.length() != 8 || time.charAt(2) != ':' || time.charAt(5) != ':') {
            return Long.MIN_VALUE;
        }
        int hour = digits(time.substring(0, 2), 2, 2);
        int minute = digits(time.substring(3, 5), 2, 2);
        int second = digits(time.substring(6, 8), 2, 2);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
            return Long.MIN_VALUE;
        }
        return daysFromCivil(year, month, day) * MILLIS_PER_DAY + (hour * 3600L + minute * 60L + second) * 1000L;
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days-from-civil). */
    private static long daysFromCivil(long year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
