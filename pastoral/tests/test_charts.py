from django.template.loader import render_to_string

from pastoral.files import charts


def test_bar_chart_draws_one_bar_per_row_and_keeps_the_numbers_for_the_table():
    chart = charts.bar_chart("Events by location", [("Corridor", 40), ("Canteen <east>", 12)], label_header="Where")

    assert chart.svg.count("<rect") == 2
    assert "Canteen &lt;east&gt;" in chart.svg
    assert chart.headers == ["Where", "Count"]
    html = render_to_string("charts/_chart.html", {"chart": chart})
    assert '<th scope="row">Corridor</th><td>40</td>' in html
    assert 'role="img" aria-label="Events by location"' in html


def test_column_chart_groups_series_and_labels_them():
    chart = charts.column_chart("Weekly", [("1 Sep", 3, 1), ("8 Sep", 0, 5)], series=["Positive", "Negative"])

    assert chart.svg.count("<rect") == 4 + 2  # four columns and two legend keys
    assert "8 Sep: Negative 5" in chart.svg
    assert chart.headers == ["Period", "Positive", "Negative"]


def test_heatmap_shades_cells_and_an_empty_chart_says_so():
    chart = charts.heatmap("Day × period", ["Mon", "Tue"], ["P1", "P2"], [[0, 4], [2, 1]])
    assert chart.svg.count("<rect") == 4
    assert chart.rows == [("Mon", 0, 4), ("Tue", 2, 1)]

    empty = charts.bar_chart("Nothing", [])
    assert empty.empty
    assert "Nothing to show" in render_to_string("charts/_chart.html", {"chart": empty})
