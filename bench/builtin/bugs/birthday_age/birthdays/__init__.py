from birthdays.dates import age_on, days_until_birthday, next_birthday

__all__ = ["age_on", "days_until_birthday", "next_birthday"]
