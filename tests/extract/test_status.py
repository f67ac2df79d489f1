"""Progress status from an update, on sentences a council plan could contain."""

import pytest

from eqgraph.extract.status import progress_status


@pytest.mark.parametrize("update, commitment, status", [
    (("Whilst the target of a 20% increase was not achieved, work continued.",), (), "not-met"),
    (("Take-up is 68.5%, this is well placed to meet the end of year target.",), (), "on-track"),
    (("Review of the strategy currently underway.",), (), "in-progress"),
    (("A baseline is to be established.",), (), "not-started"),
    (("Achieved CSE Accreditation in 2013.",), (), "completed"),
    (("Annual report completed.", "Analysis of other panels yet to be completed."), (), "in-progress"),
    ((), (), "unclear"),
    # Which way the figure moved, against which way the commitment wants it to move.
    (("Admissions for alcohol related conditions show a small increase (0.5%) over the period.",),
     ("Working in partnership to reduce alcohol-related harm",), "not-met"),
    (("There is an anticipated drop in first-time entrants for the year.",),
     ("Reduce the number of first-time entrants to the youth justice system",), "on-track"),
    (("65 first time entrants: low and likely to end the year below target.",),
     ("Reduce first time entrants",), "on-track"),
    (("Library visits have seen a drop this year.",), ("Increase active usage of libraries by 5%",), "not-met"),
    # No direction wanted: a movement alone says nothing.
    (("There was a drop in calls as web transactions grew.",), ("Promote digital inclusion",), "unclear"),
])
def test_status_from_the_update(update, commitment, status):
    result = progress_status(update, commitment)
    assert result.status == status
    assert (result.phrase == "") == (status == "unclear")
    assert result.phrase in " ".join(update)  # the justifying words are the update's own


@pytest.mark.parametrize("update, commitment, status", [
    # A movement of some other figure says nothing about this commitment.
    (("Waiting times for assessment reduced from 12 to 8 weeks.", "Six carer households have been approved."),
     ("Increase the number of in-house foster carers",), "completed"),
    (("Drop-in sessions for parents were held.",), ("Increase take-up of parenting programmes",), "completed"),
    (("Healthy life expectancy in the borough has risen.",), ("Reduce the number of first-time entrants",),
     "unclear"),
    # With no direction wanted, "below target" is a shortfall.
    (("Performance is below target this quarter.",), ("Deliver the training programme",), "not-met"),
])
def test_only_the_commitments_own_figure_counts(update, commitment, status):
    assert progress_status(update, commitment).status == status
