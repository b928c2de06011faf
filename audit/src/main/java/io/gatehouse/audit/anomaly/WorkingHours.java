package io.gatehouse.audit.anomaly;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Set;

/**
 * When pushes are expected, e.g. {@code Mon-Fri 07:00-19:00 Europe/Berlin}: days (ranges or lists such as
 * {@code Mon,Wed,Fri}), a start and end of the local day (start inclusive, end exclusive, end after start), and
 * a time-zone id. Times are judged on the wall clock of that zone, so daylight-saving changes move them with it.
 */
public record WorkingHours(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {
    public WorkingHours {
        days = Set.copyOf(days);
        if (days.isEmpty()) {
            throw new IllegalArgumentException("no working days");
        }
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("the end of working hours must be after their start");
        }
    }

    public static WorkingHours parse(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split("\\s+");
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    "expected DAYS HH:MM-HH:MM ZONE, e.g. 'Mon-Fri 07:00-19:00 Europe/Berlin', got '" + text + "'");
        }
        String[] times = parts[1].split("-");
        if (times.length != 2) {
            throw new IllegalArgumentException("expected hours as HH:MM-HH:MM, got '" + parts[1] + "'");
        }
        try {
            return new WorkingHours(
                    days(parts[0]), LocalTime.parse(times[0]), LocalTime.parse(times[1]), ZoneId.of(parts[2]));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected hours as HH:MM-HH:MM, got '" + parts[1] + "'");
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + parts[2] + "'");
        }
    }

    public boolean contains(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        LocalTime time = local.toLocalTime();
        return days.contains(local.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
    }

    private static Set<DayOfWeek> days(String text) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String item : text.split(",")) {
            String[] range = item.split("-");
            if (range.length == 1) {
                days.add(day(range[0]));
            } else if (range.length == 2) {
                DayOfWeek from = day(range[0]);
                DayOfWeek to = day(range[1]);
                for (DayOfWeek d = from; ; d = d.plus(1)) {
                    days.add(d);
                    if (d == to) {
                        break;
                    }
                }
            } else {
                throw new IllegalArgumentException("expected days like Mon-Fri or Mon,Wed, got '" + text + "'");
            }
        }
        return days;
    }

    private static DayOfWeek day(String name) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().substring(0, 3).equalsIgnoreCase(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown day '" + name + "'; use Mon, Tue, Wed, Thu, Fri, Sat or Sun");
    }

    @Override
    public String toString() {
        var names = EnumSet.copyOf(days).stream()
                .map(d -> d.name().charAt(0) + d.name().substring(1, 3).toLowerCase(java.util.Locale.ROOT))
                .toList();
        return String.join(",", names) + " " + start + "-" + end + " " + zone;
    }
}
