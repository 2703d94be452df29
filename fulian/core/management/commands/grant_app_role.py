import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from fulian.core import audit_chain


class Command(BaseCommand):
    help = (
        "PostgreSQL: give ROLE (the role the application connects as) every right it needs "
        "on Fulian's tables except UPDATE, DELETE and TRUNCATE on the audit tables "
        "(auditlog entries, access log, the hash chain and its checkpoints). Run it as the "
        "owner of the tables (the role that runs migrate), after the first migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role")
        parser.add_argument(
            "--create",
            action="store_true",
            help="create ROLE (LOGIN) first, with the password in $FULIAN_APP_DB_PASSWORD if set",
        )
        parser.add_argument(
            "--print", action="store_true", help="print the SQL instead of running it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "grant_app_role is for PostgreSQL; a SQLite file has no roles (protect it "
                "with file permissions, docs/deployment.md)."
            )
        role = options["role"]
        quote = connection.ops.quote_name
        statements = audit_chain.grant_statements(role)
        if options["create"]:
            password = os.environ.get("FULIAN_APP_DB_PASSWORD", "")
            create = f"CREATE ROLE {quote(role)} LOGIN"
            if password:
                # Passed as a literal: CREATE ROLE takes no bind parameters.
                literal = "'" + password.replace("'", "''") + "'"
                create += f" PASSWORD {literal}"
            statements.insert(0, create)
        if options["print"]:
            for sql in statements:
                self.stdout.write(sql + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        self.stdout.write(
            f"{role} may read and write Fulian's tables, and only read and append to "
            f"{', '.join(audit_chain.audit_tables())}."
        )
