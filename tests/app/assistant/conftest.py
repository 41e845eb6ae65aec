"""A realistic e-mail thread to reply to (the real models are tests/conftest.py's fixtures)."""

from __future__ import annotations

import pytest

# Karen Liu (Head of Operations) answers Jordan Lee, whose earlier message is quoted below her
# signature: the top message has no "wrote:" line, only her sign-off and contact block.
KAREN_EMAIL = """Hi Jordan,

Thanks for pulling the vendor shortlist together so quickly. I went through it with the finance \
team this morning and we would like to go ahead with Brightline for the warehouse scanners.

Before we sign, we need their revised quote by Thursday so it can go into the Q3 budget review. \
Could you also check whether they can do the installation over the weekend of June 14? We can't \
shut the floor down during the week.

Best regards,
Karen

Karen Liu
Head of Operations
Northwind Logistics
+1 (415) 555-0142

On Mon, Jun 2, 2025 at 4:37 PM Jordan Lee <jordan.lee@northwind-logistics.com> wrote:
> Hi Karen,
>
> Attached is the shortlist of three vendors for the new warehouse scanners.
> Brightline is the cheapest, Scanwell has the best support contract, and
> Optiscan can deliver first but costs 20% more.
>
> Let me know which one you prefer and I'll ask them for a final quote.
>
> Thanks,
> Jordan
"""


@pytest.fixture
def karen_email() -> str:
    return KAREN_EMAIL
