// Working-time calendars for SLA clocks (POLICY.md §2).
export { createCalendar, type DepartmentCalendar, type HolidayCoverage } from './working-calendar.js';
export { CalendarRegistry, UnknownCalendarError, BUILT_IN_CALENDARS, type CalendarRegistryOptions } from './calendar-registry.js';
export { calendarEntrySchema, calendarsSchema, type CalendarEntry } from './calendar.schema.js';
