"""The segment columns of an export (device, hour, keyword …): what its rows sharing one key differ by."""
from __future__ import annotations

import polars as pl

from roi.transforms.headers import norm

# Segment -> header names in the platforms' UI languages (en, it, pt, es, fr, de) and API reports.
SEGMENTS: dict[str, list[str]] = {
    "device": ["Device", "Device type", "Device platform", "Impression device", "Dispositivo",
               "Tipo di dispositivo", "Piattaforma del dispositivo", "Tipo de dispositivo", "Appareil",
               "Type d'appareil", "Gerät", "Gerätetyp", "DeviceType", "segments.device", "device_platform"],
    "hour": ["Hour of day", "Hour", "Hour (of day)", "HourOfDay", "Ora del giorno", "Ora", "Hora do dia", "Hora",
             "Hora del día", "Heure de la journée", "Heure", "Tageszeit (Stunde)", "Stunde", "segments.hour",
             "hourly_stats_aggregated_by_advertiser_time_zone"],
    "keyword": ["Keyword", "Search keyword", "Keyword text", "Parola chiave", "Parola chiave di ricerca",
                "Palavra-chave", "Palabra clave", "Mot clé", "Mot-clé", "Keyword-Text", "ad_group_criterion.keyword.text"],
    "search term": ["Search term", "Search query", "Search terms", "Termine di ricerca", "Termo de pesquisa",
                    "Término de búsqueda", "Terme de recherche", "Suchbegriff", "Suchanfrage",
                    "search_term_view.search_term"],
    "network": ["Network", "Network (with search partners)", "Ad network type", "Rete", "Rete (con partner di ricerca)",
                "Rede", "Red", "Réseau", "Netzwerk", "Network type", "segments.ad_network_type",
                "publisher_platform", "Platform", "Piattaforma", "Plataforma", "Plateforme", "Plattform"],
    "placement": ["Placement", "Posizionamento", "Posicionamento", "Ubicación", "Emplacement", "Placement type",
                  "platform_position"],
    "location": ["Location", "Country/Territory", "Country", "Region", "City", "Metro area", "Località",
                 "Paese/territorio", "Paese", "Regione", "Città", "Localização", "País/território", "País",
                 "Ubicación geográfica", "Pays/Territoire", "Pays", "Ville", "Land/Region", "Land", "Stadt",
                 "Matched location", "User location"],
    "age/gender": ["Age", "Age range", "Gender", "Età", "Fascia d'età", "Genere", "Sesso", "Idade", "Faixa etária",
                   "Gênero", "Sexo", "Edad", "Rango de edad", "Género", "Âge", "Tranche d'âge", "Sexe", "Alter",
                   "Altersgruppe", "Geschlecht", "age", "gender"],
    "asset": ["Asset", "Asset type", "Ad asset", "Asset text", "Risorsa", "Tipo di risorsa", "Recurso",
              "Tipo de recurso", "Élément", "Type d'élément", "Asset-Typ", "Creative", "Image", "Video"],
    "conversion action": ["Conversion action", "Conversion name", "Azione di conversione", "Ação de conversão",
                          "Acción de conversión", "Action de conversion", "Conversion-Aktion", "Goal"],
    "audience": ["Audience", "Audience segment", "Pubblico", "Segmento di pubblico", "Público", "Audience-Segment"],
}
_BY_NORM = {norm(name): segment for segment, names in SEGMENTS.items() for name in names}


_TIME_PERIOD = {"timeperiod", "time period"}   # Microsoft Ads: "2023-11-11|01" is an hour of the day


def find_segments(header: list[str], first_rows: pl.DataFrame | None = None) -> list[str]:
    """The segments an export's header holds, each with the column naming it: ["device (Device)", …];
    `first_rows` (the export's first cells) tells hourly Microsoft Ads TimePeriod cells apart."""
    found: dict[str, str] = {}
    for name in header:
        segment = _BY_NORM.get(norm(name))
        if segment is None and norm(name) in _TIME_PERIOD and first_rows is not None and name in first_rows.columns:
            cells = first_rows.get_column(name).drop_nulls()
            segment = "hour" if cells.len() and bool(cells.str.contains("|", literal=True).any()) else None
        if segment and segment not in found:
            found[segment] = name.strip()
    return [f"{segment} ({name})" if norm(name) != norm(segment) else segment for segment, name in found.items()]
