import pytest

from oddity_dataset.catalog import FAMILIES, UnknownRiddleError, all_riddles, get_riddle, select_riddles

# ids and names exactly as in riddles.md (and the reference generator)
NAMES = """color orientation straight_line curve_line alignment_point_on_line alignment_point_off_line parallel_lines
secant_lines right_angle_full right_angle_half quadrilateral trapezoid parallelogram rectangle square
equilateral_triangle right_angled_triangle circle convex_shape symmetrical_vertical symmetrical_horizontal
symmetrical_oblique chiral_circle_vertical chiral_flag_vertical chiral_circle_oblique chiral_flag_oblique distance
equidistance increasing_distance circle_center quadrilateral_center segment_middle fixed_proportion translation
homothecy_orientation homothecy_size symmetry_horizontal symmetry_vertical symmetry_oblique point_symmetry rotation
inside closure connectedness holes""".split()
FAMILY_OF = {
    **dict.fromkeys(range(0, 2), "controls"),
    **dict.fromkeys(range(2, 10), "euclidean"),
    **dict.fromkeys(range(10, 19), "figures"),
    **dict.fromkeys(range(19, 22), "symmetrical"),
    **dict.fromkeys(range(22, 26), "chiral"),
    **dict.fromkeys(range(26, 33), "metric"),
    **dict.fromkeys(range(33, 41), "transformations"),
    **dict.fromkeys(range(41, 45), "topology"),
}


def test_all_45_riddles_with_reference_ids_names_and_families():
    riddles = all_riddles()
    assert [r.id for r in riddles] == list(range(45))
    assert [r.name for r in riddles] == NAMES
    assert all(r.family == FAMILY_OF[r.id] for r in riddles)
    assert set(FAMILY_OF.values()) == set(FAMILIES)


def test_every_riddle_states_its_check():
    for r in all_riddles():
        assert "→" in r.concept and r.unit
        assert r.normal_max < r.odd_min, r.name


def test_select_by_id_name_family_and_mixed():
    assert [r.id for r in select_riddles("3")] == [3]
    assert [r.name for r in select_riddles("parallel_lines")] == ["parallel_lines"]
    assert [r.id for r in select_riddles("metric")] == list(range(26, 33))
    assert [r.id for r in select_riddles("1,controls,topology,44")] == [0, 1, 41, 42, 43, 44]
    assert [r.id for r in select_riddles([5, "color"])] == [0, 5]
    assert len(select_riddles(None)) == len(select_riddles("all")) == 45
    assert get_riddle(" 7 ").name == "secant_lines"


@pytest.mark.parametrize("bad", ["bogus", "45", "-1", "", " , "])
def test_unknown_selection_is_an_error(bad):
    with pytest.raises(UnknownRiddleError):
        select_riddles(bad)
